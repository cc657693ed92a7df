package io.machinestate.server.store;

import io.helidon.dbclient.DbClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's own embedded PostgreSQL, migrated, started before its tests and stopped after:
 * {@code @RegisterExtension static final TestDatabase database = new TestDatabase();}
 */
final class TestDatabase implements BeforeAllCallback, AfterAllCallback {
  private Path dir;
  private Database database;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("machineserver-test");
    database = Database.openEmbedded(dir, DbTimeouts.DEFAULTS);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    database.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  DbClient client() {
    return database.client();
  }

  /** A connection outside the server's pool, SERIALIZABLE as the server's are. */
  Connection connect() {
    ConnectionString url = database.url();
    try {
      Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
      c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
      return c;
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }
}
