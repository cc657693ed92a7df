package io.machinestate.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down an address that keeps presenting bad credentials: after a few failures each further
 * reply waits longer, up to a cap; a minute without failures forgets the address. Waiting holds
 * only the request's virtual thread.
 */
public final class FailureThrottle {
  private static final int FREE_FAILURES = 5;
  private static final Duration FIRST_DELAY = Duration.ofMillis(250);
  private static final Duration MAX_DELAY = Duration.ofSeconds(5);
  private static final Duration FORGET_AFTER = Duration.ofMinutes(1);
  private static final int MAX_ADDRESSES = 10_000;

  private record Failures(int count, Instant last) {}

  private final Map<String, Failures> failures = new ConcurrentHashMap<>();
  private final Clock clock;

  public FailureThrottle(Clock clock) {
    this.clock = clock;
  }

  /** Records a failure of {@code address} and returns how long to wait before answering it. */
  public Duration failed(String address) {
    Instant now = clock.instant();
    if (failures.size() > MAX_ADDRESSES) {
      failures.values().removeIf(f -> f.last.plus(FORGET_AFTER).isBefore(now));
    }
    Failures f = failures.merge(address, new Failures(1, now), (old, one) ->
        old.last.plus(FORGET_AFTER).isBefore(now) ? one : new Failures(old.count + 1, now));
    if (f.count <= FREE_FAILURES) {
      return Duration.ZERO;
    }
    long factor = 1L << Math.min(f.count - FREE_FAILURES - 1, 10);
    Duration delay = FIRST_DELAY.multipliedBy(factor);
    return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
  }
}
