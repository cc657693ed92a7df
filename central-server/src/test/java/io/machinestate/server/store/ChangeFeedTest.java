package io.machinestate.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;
import io.machinestate.protocol.Annotation;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Json;
import io.machinestate.server.ServerConfig;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two replicas on one database, each a store with its feed: each learns of the other's changes. */
class ChangeFeedTest {
  private static final Change BY_TEST = Change.by("test");

  @RegisterExtension
  static final TestDatabase database = new TestDatabase();

  /** What one replica's sinks were told, in order. */
  record Told(String machineId, long version, String note) {}

  static final class Replica implements ChangeSink, AutoCloseable {
    final BlockingQueue<Told> told = new LinkedBlockingQueue<>();
    final ChangeFeed feed;
    final SqlStore store;

    Replica() {
      this(database.client());
    }

    /** A replica whose store writes through {@code client}. */
    Replica(DbClient client) {
      String name = UUID.randomUUID().toString();
      feed = new ChangeFeed(database.client(), name, Json.newMapper(), this);
      store = new SqlStore(client, name, new SqlJournal(client),
          new WriteRules(List.of(new ServerConfig.Pool("Skia", ".*"))), feed, Clock.systemUTC(), Json.newMapper(),
          () -> {});
      feed.start(() -> {});
    }

    @Override
    public void changed(String machineId, long version, Description d) {
      told.add(new Told(machineId, version, d.note().message()));
    }

    @Override
    public void deleted(String machineId, long version) {
      told.add(new Told(machineId, version, null));
    }

    Told next() throws InterruptedException {
      Told t = told.poll(ChangeFeed.WINDOW.plusSeconds(3).toMillis(), TimeUnit.MILLISECONDS);
      assertTrue(t != null, "nothing told");
      return t;
    }

    @Override
    public void close() {
      feed.close();
    }
  }

  @Test
  void eachReplicaIsToldOfTheOthersChangesOnceAndInOrder() throws Exception {
    try (Replica a = new Replica(); Replica b = new Replica()) {
      a.store.update("skia-feed", BY_TEST, d -> note(d, "one"));
      Told atA = a.next();
      Told atB = b.next();
      assertEquals(atA, atB);
      assertEquals("one", atB.note());

      b.store.update("skia-feed", BY_TEST, d -> note(d, "two"));
      Told two = a.next();
      assertEquals("two", two.note());
      assertTrue(two.version() > atA.version());
      assertEquals(two, b.next());

      a.store.delete("skia-feed", Change.audited("test", "delete_machine", ""));
      Told deleted = a.next();
      assertEquals(new Told("skia-feed", deleted.version(), null), deleted);
      assertEquals(deleted, b.next());

      // created again after its deletion: a higher version, so told again
      b.store.update("skia-feed", BY_TEST, d -> note(d, "again"));
      assertEquals("again", a.next().note());
      assertEquals("again", b.next().note());

      // nothing more: polls that see the same rows again tell nobody twice
      Thread.sleep(ChangeFeed.WINDOW.plus(ChangeFeed.INTERVAL.multipliedBy(2)).toMillis());
      assertEquals(List.of(), List.copyOf(a.told));
      assertEquals(List.of(), List.copyOf(b.told));
    }
  }

  @Test
  void aReplicaStartingLaterIsToldOnlyOfWhatChangesAfter() throws Exception {
    try (Replica a = new Replica()) {
      a.store.update("skia-before", BY_TEST, d -> note(d, "before"));
      a.next();
      try (Replica late = new Replica()) {
        a.store.update("skia-after", BY_TEST, d -> note(d, "after"));
        assertEquals("after", late.next().note());
        assertEquals(null, late.told.poll(ChangeFeed.INTERVAL.multipliedBy(4).toMillis(), TimeUnit.MILLISECONDS));
      }
    }
  }

  @Test
  void aWriteTheDatabaseDidNotConfirmIsToldWhenFoundCommitted() throws Exception {
    DbClient answerLost = JdbcClientBuilder.create().connectionPool(() -> commitThenLoseTheAnswer(database.connect()))
        .build();
    try (Replica a = new Replica(answerLost); Replica b = new Replica()) {
      assertThrows(AmbiguousCommitException.class, () -> a.store.update("skia-unconfirmed", BY_TEST, d -> note(d, "maybe")));
      assertEquals("maybe", a.next().note()); // its own feed looked, though it skips its own rows
      assertEquals("maybe", b.next().note());
      assertEquals(null, a.told.poll(ChangeFeed.INTERVAL.multipliedBy(4).toMillis(), TimeUnit.MILLISECONDS));
    }
  }

  @Test
  void aBatchTheDatabaseDidNotConfirmPutsEachOfItsMachinesInDoubtAndThoseWaitingAreNotWritten() throws Exception {
    AtomicBoolean lose = new AtomicBoolean();
    DbClient sometimesLost = JdbcClientBuilder.create()
        .connectionPool(() -> commitThenLoseTheAnswer(database.connect(), lose)).build();
    int machines = 8;
    try (Replica a = new Replica(sometimesLost); Replica b = new Replica()) {
      for (int m = 0; m < machines; m++) {
        a.store.update("skia-doubt-" + m, BY_TEST, d -> note(d, "known")); // now a knows each row's version
      }
      for (int m = 0; m < machines; m++) {
        b.next();
      }
      a.told.clear();
      lose.set(true);
      Map<String, String> outcome = new ConcurrentHashMap<>();
      try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int m = 0; m < machines; m++) {
          String id = "skia-doubt-" + m;
          writers.submit(() -> {
            try {
              a.store.update(id, BY_TEST, d -> note(d, "maybe"));
              outcome.put(id, "confirmed");
            } catch (AmbiguousCommitException e) {
              outcome.put(id, "in doubt");
            } catch (StoreUnavailableException e) {
              outcome.put(id, "untried");
            }
          });
        }
      }
      lose.set(false);
      assertEquals(machines, outcome.size(), outcome.toString());
      assertFalse(outcome.containsValue("confirmed"), outcome.toString());
      Set<String> inDoubt = outcome.entrySet().stream().filter(e -> e.getValue().equals("in doubt"))
          .map(Map.Entry::getKey).collect(Collectors.toSet());
      assertFalse(inDoubt.isEmpty(), outcome.toString());

      // the COMMIT went through: both replicas are told of each machine in doubt, found in the log
      for (Replica r : List.of(a, b)) {
        Set<String> told = new HashSet<>();
        while (told.size() < inDoubt.size()) {
          Told t = r.next();
          assertEquals("maybe", t.note(), t.toString());
          assertTrue(inDoubt.contains(t.machineId()), t + " was not in doubt: " + outcome);
          told.add(t.machineId());
        }
        assertEquals(null, r.told.poll(ChangeFeed.INTERVAL.multipliedBy(4).toMillis(), TimeUnit.MILLISECONDS));
      }
      for (int m = 0; m < machines; m++) {
        String id = "skia-doubt-" + m;
        assertEquals(inDoubt.contains(id) ? "maybe" : "known", b.store.get(id).orElseThrow().note().message(), id);
      }
    }
  }

  /**
   * A connection whose COMMIT happens but whose answer is lost, as when the network fails right
   * then, and only after longer than the feed's window, as when it hangs until a socket timeout.
   */
  private static Connection commitThenLoseTheAnswer(Connection real) {
    return commitThenLoseTheAnswer(real, new AtomicBoolean(true));
  }

  /** As above, while {@code lose} is set. */
  private static Connection commitThenLoseTheAnswer(Connection real, AtomicBoolean lose) {
    return (Connection) Proxy.newProxyInstance(ChangeFeedTest.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          try {
            Object result = method.invoke(real, args);
            if (method.getName().equals("commit") && lose.get()) {
              Thread.sleep(ChangeFeed.WINDOW.plus(ChangeFeed.INTERVAL.multipliedBy(2)).toMillis());
              throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
            }
            return result;
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private static Description note(Description d, String message) {
    return d.toBuilder().note(new Annotation(message, "test", Instant.now())).build();
  }
}
