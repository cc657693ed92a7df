package io.machinestate.powercycle.cycle;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The machines this agent switched off and has not yet switched back on: written before the power
 * goes off, removed once it is back. After a crash it names exactly the outlets to restore, so a
 * start touches nothing else (a strip may also feed the router or the jump host).
 */
public final class PoweredOffJournal {
  private final Path dir;
  private final ObjectMapper json;

  /** Uses (and creates) {@code powered-off} under the state directory. */
  public PoweredOffJournal(Path stateDir, ObjectMapper json) throws IOException {
    this.dir = Files.createDirectories(stateDir.resolve("powered-off"));
    this.json = json;
  }

  /** The content is for a human; the file name says which machine. */
  public void markOff(String machine) throws IOException {
    StateFiles.write(dir.resolve(StateFiles.fileName(machine)),
        json.writeValueAsBytes(Map.of("machine", machine, "off_at", Instant.now().toString())));
  }

  public void clear(String machine) throws IOException {
    Files.deleteIfExists(dir.resolve(StateFiles.fileName(machine)));
  }

  public Set<String> off() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".json"))
          .map(StateFiles::machine)
          .collect(TreeSet::new, Set::add, Set::addAll);
    }
  }
}
