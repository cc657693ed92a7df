package io.machinestate.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.protocol.Description;
import io.machinestate.protocol.Json;
import io.machinestate.server.ServerConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import io.machinestate.protocol.Journal.HistoryEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store against a real embedded PostgreSQL, whose transactions run SERIALIZABLE. */
class SqlStoreTest {
  private static final Instant NOW = Instant.parse("2026-11-24T10:00:00.123456Z");
  private static final Change BY_TEST = Change.by("test");

  @RegisterExtension
  static final TestDatabase database = new TestDatabase();

  private final List<String> changes = Collections.synchronizedList(new ArrayList<>());
  private final List<Integer> uptimesSeen = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger conflicts = new AtomicInteger();
  private final SqlStore store = new SqlStore(database.client(), "test", new SqlJournal(database.client()),
      new WriteRules(List.of(new ServerConfig.Pool("Skia", "^skia-"))),
      new ChangeSink() {
        @Override
        public void changed(String machineId, long version, Description description) {
          changes.add("changed " + machineId);
          if (machineId.equals("skia-ordered")) {
            uptimesSeen.add(description.deviceUptime());
          }
        }

        @Override
        public void deleted(String machineId, long version) {
          changes.add("deleted " + machineId);
        }
      },
      Clock.fixed(NOW, ZoneOffset.UTC), Json.newMapper(), conflicts::incrementAndGet);

  @Test
  void transactionsAreSerializable() {
    assertEquals("serializable", database.client().execute()
        .get("SELECT current_setting('transaction_isolation') AS i").orElseThrow()
        .column("i").get(String.class));
  }

  @Test
  void updateCreatesAppliesWriteRulesAndAnnounces() {
    Description d = store.update("skia-rpi-001", BY_TEST, prev -> prev.toBuilder()
        .dimensions(Map.of("device_type", List.of("sargo"), "empty", List.of()))
        .maintenanceMode("op 2026-11-24T10:00:00Z")
        .build());
    assertEquals(List.of("skia-rpi-001"), d.dimensions().get("id"));
    assertEquals(List.of("swarming"), d.dimensions().get("task_type"));
    assertEquals(List.of("Skia"), d.dimensions().get("pool"));
    assertEquals(List.of("Maintenance: op 2026-11-24T10:00:00Z"), d.dimensions().get("quarantined"));
    assertFalse(d.dimensions().containsKey("empty"));
    assertEquals(Instant.parse("2026-11-24T10:00:00.123Z"), d.lastUpdated());
    assertEquals(d, store.get("skia-rpi-001").orElseThrow());
    assertEquals(List.of("changed skia-rpi-001"), changes);
  }

  @Test
  void unchangedDescriptionIsNotWrittenNorAnnounced() {
    store.update("skia-same", BY_TEST, prev -> prev);
    changes.clear();
    store.update("skia-same", BY_TEST, prev -> prev);
    assertEquals(List.of(), changes);
  }

  @Test
  void updateExistingLeavesUnknownMachinesAlone() {
    assertTrue(store.updateExisting("skia-unknown", BY_TEST, prev -> prev.toBuilder().powerCycle(true).build()).isEmpty());
    assertTrue(store.get("skia-unknown").isEmpty());
    assertEquals(List.of(), changes);
  }

  @Test
  void refusedChangeWritesNothing() {
    store.update("skia-refused", BY_TEST, prev -> prev.toBuilder().battery(50).build());
    assertThrows(IllegalStateException.class, () -> store.update("skia-refused", BY_TEST, prev -> {
      throw new IllegalStateException("no");
    }));
    assertEquals(50, store.get("skia-refused").orElseThrow().battery());
  }

  @Test
  void powerCycleListAndDelete() {
    store.update("skia-pc-b", BY_TEST, prev -> prev.toBuilder().powerCycle(true).build());
    store.update("skia-pc-a", BY_TEST, prev -> prev.toBuilder().powerCycle(true).build());
    store.update("skia-pc-c", BY_TEST, prev -> prev.toBuilder().powerCycle(false).build());
    List<String> pending = store.listPowerCycle();
    assertTrue(pending.indexOf("skia-pc-a") < pending.indexOf("skia-pc-b"));
    assertFalse(pending.contains("skia-pc-c"));

    assertTrue(store.delete("skia-pc-a", BY_TEST));
    assertFalse(store.delete("skia-pc-a", BY_TEST));
    assertFalse(store.listPowerCycle().contains("skia-pc-a"));
    assertTrue(changes.contains("deleted skia-pc-a"));
  }

  @Test
  void concurrentUpdatersOfOneMachineLoseNothing() throws Exception {
    int writers = 8;
    int each = 25;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        futures.add(pool.submit(() -> {
          for (int i = 0; i < each; i++) {
            store.update("skia-contended", BY_TEST, prev -> prev.toBuilder().deviceUptime(prev.deviceUptime() + 1).build());
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(writers * each, store.get("skia-contended").orElseThrow().deviceUptime());
  }

  @Test
  void concurrentWritesOfKnownMachinesShareTransactionsAndLoseNothing() throws Exception {
    int machines = 40;
    int each = 10;
    UnaryOperator<Description> increment = prev -> prev.toBuilder().deviceUptime(prev.deviceUptime() + 1).build();
    for (int m = 0; m < machines; m++) {
      store.update("skia-batch-" + m, BY_TEST, prev -> prev);
    }
    // another replica moves five of them on: this one's next write of each finds its version stale
    SqlStore replica = new SqlStore(database.client(), "replica", new SqlJournal(database.client()), new WriteRules(List.of()),
        ChangeSink.of(), Clock.systemUTC(), Json.newMapper(), () -> {});
    for (int m = 0; m < 5; m++) {
      replica.update("skia-batch-" + m, BY_TEST, increment);
    }
    long xidBefore = xid();
    try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> futures = new ArrayList<>();
      for (int m = 0; m < machines; m++) {
        String id = "skia-batch-" + m;
        futures.add(writers.submit(() -> {
          for (int i = 0; i < each; i++) {
            store.update(id, BY_TEST, increment);
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    }
    long transactions = xid() - xidBefore - 1;
    for (int m = 0; m < machines; m++) {
      assertEquals(each + (m < 5 ? 1 : 0), store.get("skia-batch-" + m).orElseThrow().deviceUptime(), "machine " + m);
    }
    assertEquals(machines * each, changes.stream().filter(c -> c.startsWith("changed skia-batch-")).count()
        - machines, "one announcement per write");
    assertTrue(transactions < machines * each / 4, transactions + " transactions wrote " + machines * each + " events");
  }

  /** A new transaction id: each writing transaction takes one, and so does this call. */
  private static long xid() {
    return database.client().execute().get("SELECT txid_current() AS x").orElseThrow().column("x").get(Number.class)
        .longValue();
  }

  @Test
  void creationRacingAnotherReplicasKeepsItsRow() {
    AtomicInteger calls = new AtomicInteger();
    // While the store creates the machine, another replica creates it and commits first: the store's
    // insert finds the row and the store updates it instead, keeping its battery.
    Description d = store.update("skia-created-twice", BY_TEST, prev -> {
      if (calls.incrementAndGet() == 1) {
        try (Connection other = database.connect()) {
          insertBehindTheStoresBack(other, "skia-created-twice");
        } catch (SQLException e) {
          throw new AssertionError(e);
        }
      }
      return prev.toBuilder().deviceUptime(7).build();
    });
    assertEquals(2, calls.get());
    assertEquals(7, d.deviceUptime());
    assertEquals(42, d.battery());
  }

  @Test
  void serializationFailureIsRetried() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    // Another replica's creation of the same machine is not yet committed when the store inserts,
    // which waits for it; once it commits, the row the store's insert conflicts with is one its
    // snapshot cannot see, which PostgreSQL reports, at SERIALIZABLE, as SQLSTATE 40001. The retry
    // must see that row and keep its battery.
    try (Connection other = database.connect()) {
      other.setAutoCommit(false);
      Description d = store.update("skia-raced", BY_TEST, prev -> {
        if (calls.incrementAndGet() == 1) {
          insertBehindTheStoresBack(other, "skia-raced");
          Thread.ofVirtual().start(() -> commitOnceAnotherWaits(other));
        }
        return prev.toBuilder().deviceUptime(7).build();
      });
      assertEquals(1, conflicts.get());
      assertEquals(7, d.deviceUptime());
      assertEquals(42, d.battery());
    }
  }

  /** Commits {@code c} once some session waits for a lock (the store's, for {@code c}'s row). */
  private static void commitOnceAnotherWaits(Connection c) {
    try (Connection watcher = database.connect(); Statement s = watcher.createStatement()) {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline) {
        try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")) {
          if (r.next() && r.getInt(1) > 0) {
            break;
          }
        }
        Thread.sleep(10);
      }
      c.commit();
    } catch (SQLException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void batchWritesKnownMachinesInOneGoAndSkipsUnknownOnes() {
    store.update("skia-batch-a", BY_TEST, prev -> prev);
    store.update("skia-batch-c", BY_TEST, prev -> prev);
    changes.clear();
    Change change = Change.audited("pc", "powercycle_state", "available");
    List<Optional<Description>> written = store.updateAllExisting(List.of(
        new Write("skia-batch-c", change, d -> d.toBuilder().battery(3).build()),
        new Write("skia-batch-b", change, d -> d.toBuilder().battery(2).build()),
        new Write("skia-batch-a", change, d -> d.toBuilder().battery(1).build())));
    assertEquals(List.of(3, -1, 1), written.stream().map(d -> d.map(Description::battery).orElse(-1)).toList());
    assertTrue(store.get("skia-batch-b").isEmpty());
    assertEquals(1, store.get("skia-batch-a").orElseThrow().battery());
    assertEquals(List.of("changed skia-batch-a", "changed skia-batch-c"), changes);
  }

  @Test
  void refusedBatchWritesNothing() {
    store.update("skia-refused-a", BY_TEST, prev -> prev.toBuilder().battery(10).build());
    store.update("skia-refused-b", BY_TEST, prev -> prev.toBuilder().battery(10).build());
    assertThrows(IllegalStateException.class, () -> store.updateAllExisting(List.of(
        new Write("skia-refused-a", BY_TEST, d -> d.toBuilder().battery(11).build()),
        new Write("skia-refused-b", BY_TEST, d -> {
          throw new IllegalStateException("no");
        }))));
    assertEquals(10, store.get("skia-refused-a").orElseThrow().battery());
  }

  @Test
  void writesBuildOnWhatAnotherReplicaWroteSince() {
    // Each store remembers the Description it last wrote; the other's writes must still be seen.
    SqlStore replica = new SqlStore(database.client(), "replica", new SqlJournal(database.client()), new WriteRules(List.of()),
        ChangeSink.of(), Clock.systemUTC(), Json.newMapper(), () -> {});
    UnaryOperator<Description> increment = prev -> prev.toBuilder().deviceUptime(prev.deviceUptime() + 1).build();
    for (int i = 0; i < 5; i++) {
      store.update("skia-shared", BY_TEST, increment);
      replica.update("skia-shared", BY_TEST, increment);
    }
    assertEquals(10, store.update("skia-shared", BY_TEST, prev -> prev).deviceUptime());
    replica.delete("skia-shared", BY_TEST);
    assertEquals(1, store.update("skia-shared", BY_TEST, increment).deviceUptime());
  }

  @Test
  void deletesRacingAnotherReplicasUpdatesAreRetried() throws Exception {
    // A second store is a second replica: its locks do not order this one's writes, the database must.
    AtomicInteger deleteConflicts = new AtomicInteger();
    SqlStore replica = new SqlStore(database.client(), "replica", new SqlJournal(database.client()), new WriteRules(List.of()),
        new ChangeSink() {
          @Override
          public void changed(String machineId, long version, Description description) {}

          @Override
          public void deleted(String machineId, long version) {}
        }, Clock.systemUTC(), Json.newMapper(), deleteConflicts::incrementAndGet);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        futures.add(pool.submit(() -> {
          while (deleteConflicts.get() < 5 && System.nanoTime() < deadline) {
            store.update("skia-deleted", BY_TEST, prev -> prev.toBuilder().deviceUptime(prev.deviceUptime() + 1).build());
          }
        }));
        futures.add(pool.submit(() -> {
          while (deleteConflicts.get() < 5 && System.nanoTime() < deadline) {
            replica.delete("skia-deleted", BY_TEST);
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get(); // a delete that gave up would throw StoreUnavailableException here
      }
    } finally {
      pool.shutdown();
    }
    assertTrue(deleteConflicts.get() >= 5, "deletes met only " + deleteConflicts.get() + " conflicts");
  }

  @Test
  void announcementsOfOneMachineFollowCommitOrder() throws Exception {
    store.update("skia-ordered", BY_TEST, prev -> prev);
    store.update("skia-ordered-too", BY_TEST, prev -> prev);
    UnaryOperator<Description> tick = d -> d.toBuilder().deviceUptime(d.deviceUptime() + 1).build();
    int each = 30;
    List<Runnable> writers = List.of(
        () -> store.update("skia-ordered", BY_TEST, tick),
        () -> store.update("skia-ordered", BY_TEST, tick),
        () -> store.updateExisting("skia-ordered", Change.audited("op", "toggle_mode", ""),
            d -> tick.apply(d.toBuilder().maintenanceMode(d.maintenanceMode().isEmpty() ? "op" : "").build())),
        () -> store.updateAllExisting(List.of(new Write("skia-ordered-too", BY_TEST, tick),
            new Write("skia-ordered", Change.audited("pc", "powercycle_state", "available"), tick))));
    ExecutorService pool = Executors.newFixedThreadPool(writers.size());
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Runnable w : writers) {
        futures.add(pool.submit(() -> {
          for (int i = 0; i < each; i++) {
            w.run();
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    List<Integer> expected = IntStream.rangeClosed(0, writers.size() * each).boxed().toList();
    assertEquals(expected, uptimesSeen);
  }

  @Test
  void unreachableDatabaseIsReportedAsUnavailable() {
    ConnectionString nowhere = ConnectionString.parse("postgresql://root@127.0.0.1:1/machineserver");
    assertThrows(StoreUnavailableException.class, () -> Database.init(nowhere));
  }

  private static void insertBehindTheStoresBack(Connection c, String machineId) {
    try (Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO description (machine_id, powercycle, last_updated, description) VALUES ('"
          + machineId + "', false, now(), '{\"Battery\": 42}')");
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void historyOlderThanTheRetentionIsPruned() throws Exception {
    store.update("skia-pruned", BY_TEST, prev -> prev.toBuilder().powerCycle(true).build());
    try (Connection c = database.connect(); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE history SET ts = ts - INTERVAL '100 days' WHERE machine_id = 'skia-pruned' AND kind = 'created'");
    }
    SqlJournal journal = new SqlJournal(database.client());
    assertTrue(journal.pruneHistory(NOW.minus(Duration.ofDays(90))) >= 1);
    assertEquals(List.of("powercycle_requested"), journal.history("skia-pruned", 10, null).entries().stream()
        .map(HistoryEntry::kind).toList());
  }

  @Test
  void rowsAreJsonbThatOperatorsCanQuery() throws Exception {
    store.update("skia-jsonb", BY_TEST, prev -> prev.toBuilder().battery(77).build());
    try (Connection c = database.connect(); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT (description->>'Battery')::INT FROM description WHERE machine_id = 'skia-jsonb'")) {
      assertTrue(r.next());
      assertEquals(77, r.getInt(1));
    }
  }
}
