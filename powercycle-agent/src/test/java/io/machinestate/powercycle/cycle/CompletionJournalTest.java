package io.machinestate.powercycle.cycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompletionJournalTest {
  @TempDir Path stateDir;

  @Test
  void remembersCyclesUntilRemovedAcrossInstances() throws Exception {
    CompletionJournal.Entry a = new CompletionJournal.Entry("skia-rpi-001",
        Instant.parse("2026-11-26T10:00:00.123Z"), Instant.parse("2026-11-26T10:00:10.5Z"));
    CompletionJournal.Entry b = new CompletionJournal.Entry("skia e/win 002", Instant.EPOCH, Instant.EPOCH);
    CompletionJournal first = new CompletionJournal(stateDir, Json.newMapper());
    first.save(a);
    first.save(b);

    CompletionJournal second = new CompletionJournal(stateDir, Json.newMapper());
    assertEquals(List.of(b, a), second.pending());

    second.remove("skia e/win 002");
    assertEquals(List.of(a), new CompletionJournal(stateDir, Json.newMapper()).pending());
    try (Stream<Path> files = Files.list(stateDir.resolve("pending-completions"))) {
      assertEquals(List.of("skia-rpi-001.json"), files.map(p -> p.getFileName().toString()).toList(), "no temporary files left");
    }
  }

  @Test
  void skipsAndKeepsAnUnreadableFile() throws Exception {
    CompletionJournal journal = new CompletionJournal(stateDir, Json.newMapper());
    Path broken = Files.writeString(stateDir.resolve("pending-completions").resolve("x.json"), "{not json");

    assertEquals(List.of(), journal.pending());
    assertTrue(Files.exists(broken));
  }
}
