package io.machinestate.powercycle.cycle;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Remembers on disk the cycles done but not yet acknowledged by the server, so that neither a
 * failed report nor a restart cycles the same request twice. One file per machine, written
 * atomically; it is removed once the server accepted the completion.
 */
public final class CompletionJournal {
  private static final System.Logger LOG = System.getLogger(CompletionJournal.class.getName());

  /**
   * One cycle done: the request is identified by the machine and the moment the agent first saw it
   * pending.
   */
  public record Entry(
      @JsonProperty("machine") String machine,
      @JsonProperty("seen_pending_at") Instant seenPendingAt,
      @JsonProperty("cycled_at") Instant cycledAt) {}

  private final Path dir;
  private final ObjectMapper json;

  /** Uses (and creates) {@code pending-completions} under the state directory. */
  public CompletionJournal(Path stateDir, ObjectMapper json) throws IOException {
    this.dir = Files.createDirectories(stateDir.resolve("pending-completions"));
    this.json = json;
  }

  public void save(Entry entry) throws IOException {
    StateFiles.write(file(entry.machine()), json.writeValueAsBytes(entry));
  }

  public void remove(String machine) throws IOException {
    Files.deleteIfExists(file(machine));
  }

  /** The completions still owed to the server. An unreadable file is logged and left in place. */
  public List<Entry> pending() throws IOException {
    List<Entry> entries = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
        try {
          entries.add(json.readValue(f.toFile(), Entry.class));
        } catch (IOException e) {
          LOG.log(Level.ERROR, "ignoring unreadable journal file {0}: {1}", f, e.getMessage());
        }
      }
    }
    return entries;
  }

  private Path file(String machine) {
    return dir.resolve(StateFiles.fileName(machine));
  }
}
