package io.machinestate.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;
import io.machinestate.server.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The server's database: a connection pool whose transactions are all SERIALIZABLE (as CockroachDB
 * runs them), the {@link DbClient} over it, and, when no URL is given, the embedded PostgreSQL that
 * keeps its data in a local folder.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Database.class.getName());
  private static final String EMBEDDED_DATABASE = "machineserver";

  private final EmbeddedPostgres embedded;
  private final ConnectionString url;
  private final HikariDataSource pool;
  private final DbClient client;
  private final DbClient readCommitted;

  private Database(EmbeddedPostgres embedded, ConnectionString url, DbTimeouts timeouts) {
    this.embedded = embedded;
    this.url = url;
    this.pool = pool(url, timeouts);
    this.client = client(pool, Connection.TRANSACTION_SERIALIZABLE);
    this.readCommitted = client(pool, Connection.TRANSACTION_READ_COMMITTED);
  }

  /**
   * A client over the pool whose connections run at {@code isolation}. The pool hands out
   * connections at its own level, SERIALIZABLE, and resets any other on their return, so only
   * another level needs setting; asking a connection for its level would cost a round trip
   * (PgJDBC sends SHOW TRANSACTION ISOLATION LEVEL) before every transaction.
   */
  private static DbClient client(HikariDataSource pool, int isolation) {
    return JdbcClientBuilder.create()
        .connectionPool(() -> {
          try {
            Connection c = pool.getConnection();
            if (isolation != Connection.TRANSACTION_SERIALIZABLE) {
              try {
                c.setTransactionIsolation(isolation);
              } catch (SQLException e) {
                c.close(); // back to the pool, which must not lose it
                throw e;
              }
            }
            return c;
          } catch (SQLException e) {
            throw new DbClientException("no database connection: " + e.getMessage(), e);
          }
        })
        .build();
  }

  /** Connects to {@code url} and migrates the schema; the database itself must exist ({@link #init}). */
  public static Database open(ConnectionString url, DbTimeouts timeouts) {
    return migrated(new Database(null, url, timeouts));
  }

  /** Starts (or restarts) the embedded PostgreSQL whose data lives in {@code dataDir}. */
  public static Database openEmbedded(Path dataDir, DbTimeouts timeouts) throws IOException {
    EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir, 0);
    try {
      ConnectionString url = embeddedUrl(pg, EMBEDDED_DATABASE);
      createDatabaseIfAbsent(url);
      return migrated(new Database(pg, url, timeouts));
    } catch (RuntimeException e) {
      pg.close();
      throw e;
    }
  }

  /** The address of a database of an embedded PostgreSQL, password included. */
  public static ConnectionString embeddedUrl(EmbeddedPostgres pg, String database) {
    return ConnectionString.parse("postgresql://" + EmbeddedPostgres.USER + ":" + pg.password()
        + "@127.0.0.1:" + pg.port() + "/" + database);
  }

  /** What {@code init-db} does: the database and its schema, nothing else. */
  public static void init(ConnectionString url) {
    createDatabaseIfAbsent(url);
    try (Database db = open(url, DbTimeouts.DEFAULTS)) {
      LOG.info("database " + url.database() + " is at schema version " + Schema.currentVersion(db.client));
    }
  }

  public DbClient client() {
    return client;
  }

  /**
   * For reads that must not take part in serializable conflict detection, such as the
   * {@link ChangeFeed}'s polls: on PostgreSQL a SERIALIZABLE scan of recent changes would make
   * nearly every concurrent write fail with 40001. CockroachDB before 23.2 runs it serializable
   * anyway, where reads do not abort writers.
   */
  public DbClient readCommittedClient() {
    return readCommitted;
  }

  /** Where the pool connects, credentials included; for tests that need a connection of their own. */
  public ConnectionString url() {
    return url;
  }

  /** The embedded PostgreSQL, or null when the database is external; for metrics and tests. */
  public EmbeddedPostgres embedded() {
    return embedded;
  }

  /** Completes when the database is gone for good: the embedded one died and could not be restarted. */
  public CompletableFuture<Void> failure() {
    return embedded == null ? new CompletableFuture<>() : embedded.failure();
  }

  @Override
  public void close() {
    pool.close();
    if (embedded != null) {
      embedded.close();
    }
  }

  private static Database migrated(Database db) {
    try {
      Schema.migrate(db.client);
      return db;
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /**
   * Every wait on the database is bounded: TCP keepalive and the socket timeout free a connection
   * pinned by a frozen or partitioned database; the pool's own timeout answers requests with a 503
   * meanwhile. Parameters in the URL win over these.
   */
  private static HikariDataSource pool(ConnectionString url, DbTimeouts timeouts) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("machineserver");
    config.setJdbcUrl(url.jdbcUrl());
    config.setUsername(url.user());
    config.setPassword(url.password());
    config.setTransactionIsolation("TRANSACTION_SERIALIZABLE");
    config.setMaximumPoolSize(16);
    config.setConnectionTimeout(3_000); // fail fast: agents retry, operators see 503
    config.setValidationTimeout(2_000);
    config.setInitializationFailTimeout(timeouts.connect().toMillis());
    config.addDataSourceProperty("connectTimeout", timeouts.connect().toSeconds());
    config.addDataSourceProperty("loginTimeout", timeouts.connect().toSeconds());
    config.addDataSourceProperty("socketTimeout", timeouts.socket().toSeconds());
    config.addDataSourceProperty("tcpKeepAlive", true);
    config.setConnectionInitSql("SET statement_timeout = '" + timeouts.statement().toMillis() + "ms'");
    return new HikariDataSource(config);
  }

  /** CREATE DATABASE has no IF NOT EXISTS in PostgreSQL, so look first (pg_database exists in both). */
  private static void createDatabaseIfAbsent(ConnectionString url) {
    ConnectionString admin = url.withDatabase("postgres");
    Properties props = new Properties();
    props.setProperty("user", admin.user());
    props.setProperty("password", admin.password());
    props.setProperty("connectTimeout", "10");
    try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), props);
         PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      q.setString(1, url.database());
      try (ResultSet r = q.executeQuery()) {
        if (r.next()) {
          return;
        }
      }
      try (Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + quoteIdentifier(url.database()));
        LOG.info("created database " + url.database());
      }
    } catch (SQLException e) {
      if ("42P04".equals(e.getSQLState())) {
        return; // created meanwhile by another server starting
      }
      throw new StoreUnavailableException("cannot create database " + url.database() + ": " + e.getMessage(), e);
    }
  }

  private static String quoteIdentifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
