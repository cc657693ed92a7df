package io.machinestate.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
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
  private final HikariDataSource pool;
  private final DbClient client;

  private Database(EmbeddedPostgres embedded, HikariDataSource pool) {
    this.embedded = embedded;
    this.pool = pool;
    this.client = JdbcClientBuilder.create()
        .connectionPool(() -> {
          try {
            return pool.getConnection();
          } catch (SQLException e) {
            throw new DbClientException("no database connection: " + e.getMessage(), e);
          }
        })
        .build();
  }

  /** Connects to {@code url} and migrates the schema; the database itself must exist ({@link #init}). */
  public static Database open(ConnectionString url) {
    return migrated(new Database(null, pool(url)));
  }

  /** Starts (or restarts) the embedded PostgreSQL whose data lives in {@code dataDir}. */
  public static Database openEmbedded(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    Path pgData = dataDir.toAbsolutePath().resolve("pgdata");
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectory(pgData)
        .setCleanDataDirectory(false)
        .setPGStartupWait(Duration.ofSeconds(60))
        .start();
    LOG.info("embedded PostgreSQL started on 127.0.0.1:" + pg.getPort() + ", data in " + pgData);
    try {
      ConnectionString url = ConnectionString.parse(
          "postgresql://postgres@127.0.0.1:" + pg.getPort() + "/" + EMBEDDED_DATABASE);
      createDatabaseIfAbsent(url);
      return migrated(new Database(pg, pool(url)));
    } catch (RuntimeException e) {
      pg.close();
      throw e;
    }
  }

  /** What {@code init-db} does: the database and its schema, nothing else. */
  public static void init(ConnectionString url) {
    createDatabaseIfAbsent(url);
    try (Database db = open(url)) {
      LOG.info("database " + url.database() + " is at schema version " + Schema.currentVersion(db.client));
    }
  }

  public DbClient client() {
    return client;
  }

  /** The JDBC URL of the embedded database, or null; for tests and benchmarks. */
  public String embeddedJdbcUrl() {
    return embedded == null ? null : pool.getJdbcUrl();
  }

  @Override
  public void close() {
    pool.close();
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        LOG.warning("embedded PostgreSQL did not stop cleanly: " + e.getMessage());
      }
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

  private static HikariDataSource pool(ConnectionString url) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("machineserver");
    config.setJdbcUrl(url.jdbcUrl());
    config.setUsername(url.user());
    config.setPassword(url.password());
    config.setTransactionIsolation("TRANSACTION_SERIALIZABLE");
    config.setMaximumPoolSize(16);
    config.setConnectionTimeout(3_000); // fail fast: agents retry, operators see 503
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
