package io.machinestate.agent.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * A directory of fake tools (shell scripts) put first on the tools' PATH, ahead of the system
 * directories the scripts themselves need. Each script can append its arguments to {@code calls}.
 */
public final class FakeTools {
  private final Path dir;

  public FakeTools(Path dir) {
    this.dir = dir;
  }

  /** Writes {@code name} as a {@code /bin/sh} script with the given body. */
  public FakeTools script(String name, String body) {
    try {
      Path file = dir.resolve(name);
      Files.writeString(file, "#!/bin/sh\n" + body + "\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A shell line that records the call ("name args...") in the calls file. */
  public String recordCall(String name) {
    return "echo \"" + name + " $*\" >> '" + callsFile() + "'";
  }

  public Path callsFile() {
    return dir.resolve("calls");
  }

  /** The calls recorded so far, one per line. */
  public List<String> calls() {
    try {
      return Files.exists(callsFile()) ? Files.readAllLines(callsFile()) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path dir() {
    return dir;
  }

  public String path() {
    return dir + ":/usr/bin:/bin";
  }

  /** A runner over this directory with a short timeout, as tests want. */
  public ToolRunner runner() {
    return new ToolRunner(path(), Duration.ofSeconds(1), 1 << 20);
  }
}
