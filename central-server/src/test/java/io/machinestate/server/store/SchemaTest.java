package io.machinestate.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;
import io.machinestate.server.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start, restart, replicas starting at once, and a database from the future, on embedded PostgreSQL. */
class SchemaTest {
  @TempDir
  Path dataDir;

  @Test
  void secondStartChangesNothingAndNewerSchemaIsRefused() throws Exception {
    Instant appliedAt;
    try (Database db = Database.openEmbedded(dataDir, DbTimeouts.DEFAULTS)) {
      assertEquals(Schema.VERSION, Schema.currentVersion(db.client()));
      appliedAt = appliedAt(db);
    }
    try (Database db = Database.openEmbedded(dataDir, DbTimeouts.DEFAULTS)) {
      assertEquals(Schema.VERSION, Schema.currentVersion(db.client()));
      assertEquals(appliedAt, appliedAt(db));
      assertEquals(Schema.VERSION, db.client().execute()
          .get("SELECT COUNT(*) AS n FROM schema_version").orElseThrow().column("n").get(Number.class).intValue());
      db.client().execute().insert("INSERT INTO schema_version (version) VALUES (?)", Schema.VERSION + 1);
    }
    var e = assertThrows(IllegalStateException.class, () -> Database.openEmbedded(dataDir, DbTimeouts.DEFAULTS));
    assertTrue(e.getMessage().contains("version " + (Schema.VERSION + 1)), e.getMessage());
  }

  @Test
  void replicasStartingTogetherOnAFreshDatabaseTakeTurns() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir.resolve("fresh"), 0)) {
      int replicas = 6;
      CyclicBarrier together = new CyclicBarrier(replicas);
      ExecutorService pool = Executors.newFixedThreadPool(replicas);
      try {
        List<Future<?>> starts = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
          starts.add(pool.submit(() -> {
            DbClient client = client(pg, false);
            together.await();
            Schema.migrate(client);
            return null;
          }));
        }
        for (Future<?> f : starts) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }
      DbClient client = client(pg, false);
      assertEquals(Schema.VERSION, Schema.currentVersion(client));
      assertEquals(Schema.VERSION, count(client, "SELECT COUNT(*) AS n FROM schema_version"));
      assertEquals(0, count(client, "SELECT COUNT(*) AS n FROM schema_lock"));

      // A start on a current schema only reads: on read-only connections it still succeeds.
      DbClient readOnly = client(pg, true);
      assertThrows(DbClientException.class,
          () -> readOnly.execute().dml("CREATE TABLE IF NOT EXISTS schema_version (version INT8 PRIMARY KEY)"));
      Schema.migrate(readOnly);
    }
  }

  /** A replica's own connections, SERIALIZABLE as the server's; read-only ones refuse DDL and writes. */
  private static DbClient client(EmbeddedPostgres pg, boolean readOnly) {
    return JdbcClientBuilder.create().connectionPool(() -> {
      try {
        ConnectionString url = Database.embeddedUrl(pg, "postgres");
        Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
        c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
        if (readOnly) {
          try (Statement s = c.createStatement()) {
            s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
          }
        }
        return c;
      } catch (SQLException e) {
        throw new AssertionError(e);
      }
    }).build();
  }

  private static int count(DbClient client, String sql) {
    return client.execute().get(sql).orElseThrow().column("n").get(Number.class).intValue();
  }

  private static Instant appliedAt(Database db) {
    return db.client().execute().get("SELECT MAX(applied_at) AS t FROM schema_version").orElseThrow()
        .column("t").get(Timestamp.class).toInstant();
  }
}
