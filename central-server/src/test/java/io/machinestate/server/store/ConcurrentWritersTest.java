package io.machinestate.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.protocol.Description;
import io.machinestate.protocol.Json;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many writers on a small fleet, as a lab's agents are: every machine's key shares a few index
 * pages with all the others, where PostgreSQL's SERIALIZABLE takes its predicate locks. Creating
 * and updating different machines must not make transactions fail each other (a 503 to an agent
 * after the retries run out) nor retry more than now and then.
 */
class ConcurrentWritersTest {
  private static final int WRITERS = 16;
  private static final int MACHINES = 320;
  private static final int ROUNDS = 5;

  @RegisterExtension
  static final TestDatabase database = new TestDatabase();

  private final AtomicInteger conflicts = new AtomicInteger();
  private final SqlStore store = new SqlStore(database.client(), "test", new SqlJournal(database.client()),
      new WriteRules(List.of()), ChangeSink.of(), Clock.systemUTC(), Json.newMapper(), conflicts::incrementAndGet);

  @Test
  void writersOfDifferentMachinesDoNotFailEachOther() throws Exception {
    inParallel(m -> store.update(id(m), Change.by("agent"), d -> android(d, m, 0)));
    int creationConflicts = conflicts.getAndSet(0);
    for (int round = 1; round <= ROUNDS; round++) {
      int r = round;
      inParallel(m -> store.update(id(m), Change.by("agent"), d -> android(d, m, r)));
    }
    int updateConflicts = conflicts.get();

    for (int m = 0; m < MACHINES; m++) {
      assertEquals(ROUNDS * 60, store.get(id(m)).orElseThrow().deviceUptime());
    }
    // Each writer's machines are spread over the whole key range; the bound leaves room for the
    // rare conflicts PostgreSQL's page-level locks still give, not for one per write.
    System.out.println("ConcurrentWritersTest: " + creationConflicts + " / " + updateConflicts);
    String counts = creationConflicts + " conflicts in " + MACHINES + " creations, " + updateConflicts + " in "
        + MACHINES * ROUNDS + " updates";
    assertTrue(creationConflicts <= MACHINES / 20, counts);
    assertTrue(updateConflicts <= MACHINES * ROUNDS / 20, counts);
  }

  /** Runs {@code write} for every machine, WRITERS at a time; any write that gave up fails the test. */
  private static void inParallel(IntConsumer write) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int first = w;
        writers.add(pool.submit(() -> {
          for (int m = first; m < MACHINES; m += WRITERS) {
            write.accept(m);
          }
        }));
      }
      for (Future<?> f : writers) {
        f.get(); // a StoreUnavailableException here is what an agent sees as 503
      }
    } finally {
      pool.shutdown();
    }
  }

  private static String id(int m) {
    return String.format("skia-rpi2-rack%d-shelf%d-%03d", m % 4 + 1, m % 3 + 1, m);
  }

  /** A Description about the size of a real Android host's, with what changes between events. */
  private static Description android(Description d, int m, int round) {
    Map<String, List<String>> dimensions = new LinkedHashMap<>();
    dimensions.put("android_devices", List.of("1"));
    dimensions.put("device_os", List.of("U", "UP1A.231005.007"));
    dimensions.put("device_os_flavor", List.of("google"));
    dimensions.put("device_os_type", List.of("userdebug"));
    dimensions.put("device_type", List.of("sargo", "Pixel 3a"));
    dimensions.put("os", List.of("Android"));
    dimensions.put("inside_docker", List.of("0"));
    dimensions.put("cores", List.of("8"));
    dimensions.put("cpu", List.of("arm64", "arm64-v8a", "arm64-v8a-qualcomm"));
    dimensions.put("gpu", List.of("none"));
    dimensions.put("zone", List.of("us", "us-nyc", "us-nyc-rack" + (m % 4 + 1)));
    dimensions.put("build_fingerprint",
        List.of("google/sargo/sargo:14/UP1A.231005.007/" + (10_000_000 + m) + ":userdebug/dev-keys"));
    dimensions.put("battery_level", List.of(String.valueOf(50 + (m + round) % 50)));
    return d.toBuilder()
        .dimensions(dimensions)
        .battery(50 + (m + round) % 50)
        .temperature(Map.of("dumpsys_battery", 25.0 + round % 10, "thermal_cpu", 31.5 + m % 7))
        .deviceUptime(60 * round)
        .version("2026-11-2" + round % 7 + "T08:00:00Z-abc" + m % 3)
        .build();
  }
}
