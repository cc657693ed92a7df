package io.machinestate.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Token files as an operator must leave them: readable by the agent's user alone. */
public final class TokenFiles {
  private TokenFiles() {}

  /** Writes {@code content} to {@code file}, mode 0600. */
  public static Path write(Path file, String content) throws IOException {
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }
}
