package io.machinestate.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Json;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The database failing under a write, for real: backends terminated mid-transaction and during
 * COMMIT, on the embedded PostgreSQL.
 */
class CommitFailureTest {
  private static final Change BY_TEST = Change.by("test");
  private static final ChangeSink NOBODY = new ChangeSink() {
    @Override
    public void changed(String machineId, long version, Description description) {}

    @Override
    public void deleted(String machineId, long version) {}
  };

  /** What a connection does when asked to commit, before (or instead of) committing. */
  private interface AtCommit {
    void run(Connection c) throws SQLException;
  }

  @RegisterExtension
  static final TestDatabase database = new TestDatabase();

  private final AtomicInteger conflicts = new AtomicInteger();

  @Test
  void commitOnALostConnectionIsAmbiguousNotUnavailable() {
    SqlStore store = store(CommitFailureTest::terminateOwnBackend);
    var e = assertThrows(AmbiguousCommitException.class,
        () -> store.update("skia-lost", BY_TEST, d -> d.toBuilder().battery(5).build()));
    assertTrue(e.getMessage().contains("did not confirm the commit"), e.getMessage());
    assertEquals(0, conflicts.get());
  }

  @Test
  void serializationFailureAtCommitIsARollbackAndRetried() {
    AtomicInteger commits = new AtomicInteger();
    SqlStore store = store(c -> {
      if (commits.incrementAndGet() == 1) {
        c.rollback();
        throw new SQLException("could not serialize access", "40001");
      }
    });
    assertEquals(6, store.update("skia-retried", BY_TEST, d -> d.toBuilder().battery(6).build()).battery());
    assertEquals(1, conflicts.get());
    assertEquals(6, plainStore().get("skia-retried").orElseThrow().battery());
  }

  @Test
  void batchWritesNothingWhenTheDatabaseFailsHalfWay() {
    SqlStore store = plainStore();
    store.update("skia-half-1", BY_TEST, d -> d.toBuilder().battery(1).build());
    store.update("skia-half-2", BY_TEST, d -> d.toBuilder().battery(1).build());
    UnaryOperator<Description> killed = d -> {
      terminateOtherTransactions(); // this batch's own connection, between its two machines
      return d.toBuilder().battery(2).build();
    };
    assertThrows(StoreUnavailableException.class, () -> store.updateAllExisting(List.of(
        new Write("skia-half-2", BY_TEST, killed),
        new Write("skia-half-1", BY_TEST, d -> d.toBuilder().battery(2).build()))));
    assertEquals(1, store.get("skia-half-1").orElseThrow().battery());
    assertEquals(1, store.get("skia-half-2").orElseThrow().battery());
  }

  private SqlStore plainStore() {
    return new SqlStore(database.client(), "test", new SqlJournal(database.client()), new WriteRules(List.of()), NOBODY,
        Clock.systemUTC(), Json.newMapper(), conflicts::incrementAndGet);
  }

  /** A store whose connections run {@code atCommit} first when committing. */
  private SqlStore store(AtCommit atCommit) {
    DbClient client = JdbcClientBuilder.create().connectionPool(() -> decorated(database.connect(), atCommit)).build();
    return new SqlStore(client, "test", new SqlJournal(client), new WriteRules(List.of()), NOBODY, Clock.systemUTC(),
        Json.newMapper(), conflicts::incrementAndGet);
  }

  private static Connection decorated(Connection real, AtCommit atCommit) {
    return (Connection) Proxy.newProxyInstance(CommitFailureTest.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          try {
            if (method.getName().equals("commit")) {
              atCommit.run(real);
            }
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private static void terminateOwnBackend(Connection c) throws SQLException {
    int pid;
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
      r.next();
      pid = r.getInt(1);
    }
    try (Connection other = database.connect(); Statement s = other.createStatement()) {
      s.execute("SELECT pg_terminate_backend(" + pid + ", 10000)"); // waits until it is gone
    }
  }

  private static void terminateOtherTransactions() {
    try (Connection c = database.connect(); Statement s = c.createStatement()) {
      s.execute("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
          + "WHERE state = 'idle in transaction' AND datname = current_database() AND pid <> pg_backend_pid()");
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }
}
