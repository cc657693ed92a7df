package io.machinestate.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.agent.central.FakeGoogle;
import io.machinestate.agent.tools.FakeTools;
import io.machinestate.protocol.AttachedDevice;
import io.machinestate.protocol.Description;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package a host installs ({@code target/edge-agent.tar.gz}): its launcher, its flags and its
 * jar, whose unused classes the build drops. Runs after packaging (failsafe), each path that loads
 * classes only some hosts need: an Android device, both kinds of Google credentials, the metrics.
 */
class ShippedPackageIT {
  static final String ID = "skia-rpi2-rack4-shelf1-002";

  @TempDir Path dir;

  @Test
  void theInstalledAgentRunsEveryOptionalPath() throws Exception {
    Path launcher = install();
    FakeTools tools = new FakeTools(Files.createDirectories(dir.resolve("bin")));
    tools.script("adb", """
        case "$*" in
          get-state) echo device ;;
          'shell cat /proc/uptime') echo '100.5 200.1' ;;
          'shell getprop') echo '[ro.build.id]: [QQ3A.200805.001]' ;;
        esac""");
    try (FakeCentral central = FakeCentral.start(); FakeGoogle google = new FakeGoogle()) {
      central.setDescription(ID, Description.builder().attachedDevice(AttachedDevice.ADB).build());
      int port = AgentProcess.freePort();
      ProcessBuilder withKey = builder(launcher, tools, central, port,
          "--google-auth", "--google-credentials", google.serviceAccountKey(dir).toString());
      Process agent = AgentProcess.start(withKey, dir.resolve("first.log"));
      try {
        FakeCentral.await("an event with the phone", 60, alive(agent, dir.resolve("first.log"),
            () -> central.accepted().stream().anyMatch(e -> e.android().getprop().contains("QQ3A.200805.001"))));
        String metrics = get(port, "/metrics");
        assertTrue(metrics.contains("edge_agent_events_accepted_total"), metrics);
      } finally {
        stop(agent);
      }
      assertTrue(central.authorizations().stream().allMatch(a -> a.endsWith(" Bearer " + FakeGoogle.SERVICE_ACCOUNT_TOKEN)),
          central.authorizations().toString());
      assertEquals(1, archives().size(), "the launcher's class archive, made at the first stop: " + archives());

      int events = central.accepted().size();
      ProcessBuilder onGce = builder(launcher, tools, central, port, "--google-auth");
      onGce.environment().put("GCE_METADATA_HOST", google.hostAndPort());
      Process second = AgentProcess.start(onGce, dir.resolve("second.log"));
      try {
        FakeCentral.await("an event with the metadata server's token", 60, alive(second, dir.resolve("second.log"),
            () -> central.accepted().size() > events && central.authorizations().getLast().endsWith(FakeGoogle.METADATA_TOKEN)));
      } finally {
        stop(second);
      }
    }
    for (String log : List.of("first.log", "second.log")) {
      String text = AgentProcess.read(dir.resolve(log));
      assertFalse(namesAMissingClass(text), log + ":\n" + text);
    }
  }

  @Test
  void picocliIsInClassFilesTheClassArchiveKeeps() throws Exception {
    try (ZipFile jar = new ZipFile(install().resolveSibling("edge-agent.jar").toFile());
        InputStream in = jar.getInputStream(jar.getEntry("picocli/CommandLine.class"))) {
      byte[] head = in.readNBytes(8);
      int major = (head[6] & 0xff) << 8 | (head[7] & 0xff);
      assertTrue(major >= 65, "picocli/CommandLine.class is of class-file version " + major + ", which CDS does not archive");
    }
  }

  /** Unpacks the package as the README says, into a folder of its own. */
  private Path install() throws Exception {
    Path tarball = Path.of("target", "edge-agent.tar.gz").toAbsolutePath();
    Path opt = Files.createDirectories(dir.resolve("opt"));
    Process tar = new ProcessBuilder("tar", "-C", opt.toString(), "-xzf", tarball.toString()).inheritIO().start();
    assertEquals(0, tar.waitFor(), "tar -xzf " + tarball);
    return opt.resolve("edge-agent/edge-agent");
  }

  private ProcessBuilder builder(Path launcher, FakeTools tools, FakeCentral central, int port, String... more)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(launcher.toString(),
        "--server", central.url().toString(), "--machine-id", ID, "--port", String.valueOf(port),
        "--state-dir", dir.resolve("state").toString(), "--home", dir.toString(), "--tool-timeout", "2",
        "--gce-metadata-host", "127.0.0.1:" + AgentProcess.freePort()));
    command.addAll(List.of(more));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("PATH", tools.path());
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("HOME", dir.toString());
    builder.environment().put("EDGE_AGENT_CDS_DIR", dir.resolve("cds").toString());
    for (String variable : List.of("EDGE_AGENT_JAVA_OPTS", "GOOGLE_APPLICATION_CREDENTIALS", "GCE_METADATA_HOST",
        "CLOUDSDK_CONFIG", "MACHINESERVER_TOKEN", "MACHINESERVER_TOKEN_FILE")) {
      builder.environment().remove(variable);
    }
    return builder;
  }

  private List<Path> archives() throws Exception {
    try (Stream<Path> files = Files.list(dir.resolve("cds"))) {
      return files.filter(f -> f.toString().endsWith(".jsa")).toList();
    }
  }

  private static String get(int port, String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  /**
   * {@code condition}, failing at once with the agent's log if the agent has exited or logged a
   * class the jar lacks (it keeps running then, each request failing alike).
   */
  private static BooleanSupplier alive(Process agent, Path log, BooleanSupplier condition) {
    return () -> {
      String text = AgentProcess.read(log);
      if (!agent.isAlive() || namesAMissingClass(text)) {
        throw new AssertionError((agent.isAlive() ? "the agent logged a class its jar lacks"
            : "the agent exited with " + agent.exitValue()) + ":\n" + text);
      }
      return condition.getAsBoolean();
    };
  }

  private static boolean namesAMissingClass(String log) {
    return Stream.of("NoClassDefFoundError", "ClassNotFoundException", "ExceptionInInitializerError").anyMatch(log::contains);
  }

  /** SIGTERM, as systemd stops it; the JVM writes its class archive on the way out. */
  private static void stop(Process agent) throws Exception {
    agent.destroy();
    if (!agent.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      agent.destroyForcibly().waitFor();
    }
  }
}
