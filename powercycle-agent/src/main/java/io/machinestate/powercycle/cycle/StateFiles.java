package io.machinestate.powercycle.cycle;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Files of the state directory: one per machine, replaced atomically so a crash never leaves half a file. */
final class StateFiles {
  private StateFiles() {}

  static void write(Path target, byte[] content) throws IOException {
    Path temp = Files.createTempFile(target.getParent(), ".writing-", ".tmp");
    try {
      Files.write(temp, content);
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** A file name for any machine id, slashes included. */
  static String fileName(String machine) {
    return URLEncoder.encode(machine, StandardCharsets.UTF_8) + ".json";
  }

  static String machine(Path file) {
    String name = file.getFileName().toString();
    return URLDecoder.decode(name.substring(0, name.length() - ".json".length()), StandardCharsets.UTF_8);
  }
}
