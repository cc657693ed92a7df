package io.machinestate.agent.central;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Jittered exponential backoff: the n-th consecutive failure waits a random time between half and
 * all of {@code min(initial * 2^n, max)}, so that a lab's agents do not all return to a restarted
 * server at the same instant. Not thread-safe; each retry loop has its own.
 */
public final class Backoff {
  private final Duration initial;
  private final Duration max;
  private final RandomGenerator random;
  private int failures;

  public Backoff(Duration initial, Duration max, RandomGenerator random) {
    this.initial = initial;
    this.max = max;
    this.random = random;
  }

  /** How long to wait after one more failure. */
  public Duration next() {
    long ceiling = initial.toMillis() << Math.min(failures, 30);
    long capped = Math.min(ceiling <= 0 ? Long.MAX_VALUE : ceiling, max.toMillis());
    failures++;
    long half = capped / 2;
    return Duration.ofMillis(half + random.nextLong(capped - half + 1));
  }

  /** After a success: the next failure waits the initial time again. */
  public void reset() {
    failures = 0;
  }
}
