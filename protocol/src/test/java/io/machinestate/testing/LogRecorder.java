package io.machinestate.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;

/**
 * Everything logged in this JVM while a test runs, servers and agents alike, as formatted lines.
 * Shared by every module's tests through this module's test jar.
 */
public final class LogRecorder implements AutoCloseable {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Handler handler = new Handler() {
    private final SimpleFormatter formatter = new SimpleFormatter();

    @Override
    public void publish(LogRecord record) {
      lines.add(formatter.format(record));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private LogRecorder() {}

  /** Starts recording at the root logger. */
  public static LogRecorder start() {
    LogRecorder recorder = new LogRecorder();
    Logger.getLogger("").addHandler(recorder.handler);
    return recorder;
  }

  public List<String> lines() {
    return lines;
  }

  /** Whether one line holds all of {@code parts}. */
  public boolean logged(String... parts) {
    return lines.stream().anyMatch(line -> Stream.of(parts).allMatch(line::contains));
  }

  /** How many lines hold {@code part}. */
  public long count(String part) {
    return lines.stream().filter(line -> line.contains(part)).count();
  }

  /** Fails if any line holds any of {@code secrets}, or if nothing was logged (which would prove nothing). */
  public void assertNeverLogged(String... secrets) {
    assertFalse(lines.isEmpty(), "nothing was logged, so the check would prove nothing");
    for (String line : lines) {
      for (String secret : secrets) {
        assertFalse(line.contains(secret), "a secret in the log: " + line);
      }
    }
  }

  @Override
  public void close() {
    Logger.getLogger("").removeHandler(handler);
  }
}
