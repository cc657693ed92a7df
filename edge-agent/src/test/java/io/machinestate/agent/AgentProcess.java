package io.machinestate.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The agent as a child JVM on this test's class path, for the tests of the real process. */
final class AgentProcess {
  private AgentProcess() {}

  /**
   * @param path the child's PATH, where it finds its tools
   * @param jvmFlags flags for the child's JVM
   * @param args the agent's arguments
   */
  static ProcessBuilder builder(String path, List<String> jvmFlags, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmFlags);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("PATH", path);
    // Credentials of whoever runs the tests stay out of the child.
    for (String variable : List.of("MACHINESERVER_TOKEN", "MACHINESERVER_TOKEN_FILE", "GOOGLE_APPLICATION_CREDENTIALS",
        "GCE_METADATA_HOST")) {
      builder.environment().remove(variable);
    }
    return builder;
  }

  /** Starts the child with its standard output and error in {@code log}. */
  static Process start(ProcessBuilder builder, Path log) throws IOException {
    return builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A port nothing listens on, as far as can be known. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
