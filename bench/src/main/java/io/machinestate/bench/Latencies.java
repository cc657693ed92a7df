package io.machinestate.bench;

import java.util.Arrays;

/** Recorded latencies in microseconds, with their percentiles. Thread-safe. */
final class Latencies {
  private long[] micros = new long[1024];
  private int count;

  synchronized void add(long nanos) {
    if (count == micros.length) {
      micros = Arrays.copyOf(micros, count * 2);
    }
    micros[count++] = nanos / 1000;
  }

  synchronized int count() {
    return count;
  }

  /** The p-th percentile in milliseconds, p in [0, 100]. */
  synchronized double percentileMillis(double p) {
    if (count == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(micros, count);
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * count) - 1;
    return sorted[Math.max(0, Math.min(count - 1, index))] / 1000.0;
  }

  String summary() {
    return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)",
        percentileMillis(50), percentileMillis(99), percentileMillis(100), count());
  }
}
