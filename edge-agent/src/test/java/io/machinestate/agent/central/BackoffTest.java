package io.machinestate.agent.central;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void growsWithJitterUpToTheMaximum() {
    Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), new Random(42));
    long[] ceilings = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000, 60000, 60000, 60000, 60000, 60000,
        60000, 60000, 60000, 60000, 60000, 60000, 60000, 60000, 60000, 60000, 60000, 60000, 60000, 60000, 60000, 60000,
        60000, 60000, 60000, 60000, 60000, 60000, 60000, 60000, 60000};
    for (long ceiling : ceilings) {
      long wait = backoff.next().toMillis();
      assertTrue(wait >= ceiling / 2 && wait <= ceiling, wait + " not in [" + ceiling / 2 + ", " + ceiling + "]");
    }
  }

  @Test
  void jitterSpreadsTheWaits() {
    Random random = new Random(7);
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 50; i++) {
      long wait = new Backoff(Duration.ofSeconds(8), Duration.ofSeconds(60), random).next().toMillis();
      min = Math.min(min, wait);
      max = Math.max(max, wait);
    }
    assertTrue(max - min > 1000, "waits between " + min + " and " + max);
  }

  @Test
  void resetStartsAgain() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(60), new Random(1));
    for (int i = 0; i < 10; i++) {
      backoff.next();
    }
    backoff.reset();
    assertTrue(backoff.next().toMillis() <= 100);
    assertEquals(Duration.ofSeconds(60).toMillis(), new Backoff(Duration.ofSeconds(60), Duration.ofSeconds(60), new Random(1) {
      @Override
      public long nextLong(long bound) {
        return bound - 1;
      }
    }).next().toMillis());
  }
}
