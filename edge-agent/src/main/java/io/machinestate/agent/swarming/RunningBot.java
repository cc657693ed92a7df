package io.machinestate.agent.swarming;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;

/**
 * The note an agent leaves of the bot it started, so that the next agent (after an upgrade or a
 * restart) can take over a bot that is still running instead of starting a second one. A process
 * is the same bot only if both its id and its start time match, since ids are reused.
 *
 * @param pid the bot's process id
 * @param startedMillis when it started, as the operating system tells, in milliseconds since 1970
 * @param taskRunning whether Swarming ran a task when the note was written
 */
record RunningBot(long pid, long startedMillis, boolean taskRunning) {
  static RunningBot of(ProcessHandle process, boolean taskRunning) {
    return new RunningBot(process.pid(), startedMillis(process), taskRunning);
  }

  /** The process this note names, if it still runs. */
  Optional<ProcessHandle> process() {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> startedMillis(p) == startedMillis);
  }

  private static long startedMillis(ProcessHandle process) {
    return process.info().startInstant().orElse(Instant.EPOCH).toEpochMilli();
  }

  /** @return the note, or empty when there is none or it cannot be read (then nothing is adopted) */
  static Optional<RunningBot> read(Path file, ObjectMapper mapper) {
    try {
      return Optional.of(mapper.readValue(Files.readString(file), RunningBot.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      System.getLogger(RunningBot.class.getName()).log(System.Logger.Level.WARNING,
          "Ignoring the unreadable note {0} of a running bot: {1}", file, e.getMessage());
      return Optional.empty();
    }
  }

  void write(Path file, ObjectMapper mapper) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path partial = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".partial");
    try {
      Files.writeString(partial, mapper.writeValueAsString(this));
      Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
  }
}
