package io.machinestate.powercycle.testing;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import java.util.ArrayList;
import java.util.List;

/** Pi4J's mock platform, with a record of every level each relay line took. */
public final class MockRelays implements AutoCloseable {
  /** A line's level and when it took it ({@link System#nanoTime()}). */
  public record Level(DigitalState state, long nanos) {}

  public static final String PROVIDER = MockDigitalOutputProvider.ID;

  private final Context context = Pi4J.newContextBuilder()
      .add(new MockPlatform())
      .add(MockDigitalOutputProvider.newInstance())
      .disableShutdownHook()
      .build();

  public Context context() {
    return context;
  }

  /** The output the agent created for a line of a chip. */
  public DigitalOutput line(String chip, int line) {
    return context.registry().get("relay-" + chip + "-" + line, DigitalOutput.class);
  }

  /** Starts recording a line: its current level, then each change. */
  public List<Level> record(String chip, int line) {
    DigitalOutput output = line(chip, line);
    List<Level> levels = new ArrayList<>();
    synchronized (levels) {
      levels.add(new Level(output.state(), System.nanoTime()));
      output.addListener(e -> {
        synchronized (levels) {
          levels.add(new Level(e.state(), System.nanoTime()));
        }
      });
    }
    return levels;
  }

  /** A copy of a recording made by {@link #record}, safe to inspect. */
  public static List<DigitalState> states(List<Level> levels) {
    synchronized (levels) {
      return levels.stream().map(Level::state).toList();
    }
  }

  public static List<Level> copy(List<Level> levels) {
    synchronized (levels) {
      return List.copyOf(levels);
    }
  }

  @Override
  public void close() {
    context.shutdown();
  }
}
