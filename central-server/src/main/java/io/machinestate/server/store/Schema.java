package io.machinestate.server.store;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbExecute;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;

/**
 * Creates or migrates the schema under a version table. Every statement is idempotent and runs on
 * PostgreSQL 14+ and CockroachDB 23.1+; the DDL runs outside explicit transactions, which
 * CockroachDB handles best, so a migration interrupted half-way is simply run again. Replicas
 * starting at once take turns through a lease row in {@code schema_lock} (no advisory locks,
 * which CockroachDB lacks).
 */
public final class Schema {
  private static final Logger LOG = Logger.getLogger(Schema.class.getName());

  /** Index i holds the statements that take the schema from version i to i + 1. */
  private static final List<List<String>> MIGRATIONS = List.of(
      List.of(
          """
          CREATE TABLE IF NOT EXISTS description (
            machine_id TEXT PRIMARY KEY,
            powercycle BOOLEAN NOT NULL DEFAULT false,
            last_updated TIMESTAMPTZ NOT NULL,
            description JSONB NOT NULL
          )""",
          "CREATE INDEX IF NOT EXISTS description_powercycle ON description (powercycle) WHERE powercycle"),
      List.of(
          """
          CREATE TABLE IF NOT EXISTS audit (
            id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
            ts TIMESTAMPTZ NOT NULL,
            user_name TEXT NOT NULL,
            action TEXT NOT NULL,
            machine_id TEXT NOT NULL,
            body TEXT NOT NULL
          )""",
          "CREATE INDEX IF NOT EXISTS audit_ts ON audit (ts DESC, id DESC)",
          "CREATE INDEX IF NOT EXISTS audit_machine_ts ON audit (machine_id, ts DESC, id DESC)",
          """
          CREATE TABLE IF NOT EXISTS history (
            id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
            machine_id TEXT NOT NULL,
            ts TIMESTAMPTZ NOT NULL,
            kind TEXT NOT NULL,
            detail TEXT NOT NULL,
            user_name TEXT NOT NULL
          )""",
          "CREATE INDEX IF NOT EXISTS history_machine_ts ON history (machine_id, ts DESC, id DESC)",
          "CREATE INDEX IF NOT EXISTS history_ts ON history (ts)"),
      // what replicas poll to learn of each other's changes (ChangeFeed). An append-only log, not a
      // changed_at column on description: an indexed column that every write changes would make each
      // update of a Description touch its primary-key index, which PostgreSQL's serializable
      // conflict detection then reports as conflicts between unrelated machines.
      List.of(
          "ALTER TABLE description ADD COLUMN IF NOT EXISTS version INT8 NOT NULL DEFAULT 0",
          """
          CREATE TABLE IF NOT EXISTS change_log (
            id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
            changed_at TIMESTAMPTZ NOT NULL,
            machine_id TEXT NOT NULL,
            version INT8 NOT NULL,
            deleted BOOLEAN NOT NULL
          )""",
          "CREATE INDEX IF NOT EXISTS change_log_changed_at ON change_log (changed_at)"),
      // PostgreSQL rewrites a row in its own page, with no new index entry (a HOT update), only if
      // the page has room; a full page sends the new version elsewhere and adds a key to the primary
      // index, where every writer holds SERIALIZABLE predicate locks on whole pages: conflicts
      // between unrelated machines. Half-empty pages keep updates HOT. CockroachDB accepts and
      // ignores the parameter; PostgreSQL applies it to pages written from now on.
      List.of("ALTER TABLE description SET (fillfactor = 50)"),
      // which replica wrote a log row, so that its ChangeFeed need not read back its own; rows of
      // servers before this version have none, and every replica reads them
      List.of("ALTER TABLE change_log ADD COLUMN IF NOT EXISTS writer TEXT"));

  public static final int VERSION = MIGRATIONS.size();

  /** The tables that coordinate migrations; created before anything else, by whoever comes first. */
  private static final List<String> BOOTSTRAP = List.of(
      """
      CREATE TABLE IF NOT EXISTS schema_version (
        version INT8 PRIMARY KEY,
        applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )""",
      """
      CREATE TABLE IF NOT EXISTS schema_lock (
        id INT8 PRIMARY KEY,
        holder TEXT NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL
      )""");
  /** Long enough for any migration; a replica that dies holding the lease blocks others this long. */
  private static final String LEASE = "INTERVAL '5 minutes'";
  private static final Duration GIVE_UP = Duration.ofMinutes(15);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final int BOOTSTRAP_ATTEMPTS = 10;

  private Schema() {}

  /**
   * Brings the schema to {@link #VERSION}; refuses a database whose schema is newer. A current
   * schema is only read, so replicas starting together run no DDL; otherwise one replica at a time
   * migrates, under a lease, while the others wait for the version to become current.
   */
  public static void migrate(DbClient db) {
    if (checkedVersion(db) == VERSION) {
      return;
    }
    bootstrap(db);
    String holder = UUID.randomUUID().toString();
    long giveUp = System.nanoTime() + GIVE_UP.toNanos();
    while (checkedVersion(db) < VERSION) {
      if (takeLease(db, holder)) {
        try {
          migrateHoldingLease(db);
        } finally {
          releaseLease(db, holder);
        }
      } else if (System.nanoTime() > giveUp) {
        throw new IllegalStateException("the database schema is still at version " + currentVersion(db) + " after "
            + GIVE_UP.toMinutes() + " minutes: is another server stuck migrating it? (see table schema_lock)");
      } else {
        sleep(POLL);
      }
    }
  }

  public static int currentVersion(DbClient db) {
    return db.execute()
        .get("SELECT COALESCE(MAX(version), 0) AS v FROM schema_version")
        .map(row -> row.column("v").get(Number.class).intValue())
        .orElse(0);
  }

  /** The version, 0 before the first migration; a newer schema than this server knows is refused. */
  private static int checkedVersion(DbClient db) {
    boolean exists = db.execute()
        .get("SELECT COUNT(*) AS n FROM information_schema.tables "
            + "WHERE table_schema = current_schema() AND table_name = 'schema_version'")
        .map(row -> row.column("n").get(Number.class).intValue() > 0)
        .orElse(false);
    int current = exists ? currentVersion(db) : 0;
    if (current > VERSION) {
      throw new IllegalStateException("the database schema is at version " + current
          + " but this server knows only up to version " + VERSION
          + ": run a newer central-server, or restore a backup made for this one");
    }
    return current;
  }

  /**
   * PostgreSQL's CREATE TABLE IF NOT EXISTS can still fail when another session creates the table
   * at once (duplicate table, type or catalog key: 42P07, 42710, 23505); the next try sees it.
   */
  private static void bootstrap(DbClient db) {
    for (String statement : BOOTSTRAP) {
      for (int attempt = 1; ; attempt++) {
        try {
          db.execute().dml(statement);
          break;
        } catch (DbClientException e) {
          if (attempt == BOOTSTRAP_ATTEMPTS || !(SqlStates.any(e, "42P07", "42710", "23505") || SqlStates.retryable(e))) {
            throw e;
          }
          sleep(POLL);
        }
      }
    }
  }

  private static boolean takeLease(DbClient db, String holder) {
    try {
      return db.execute().get("""
          INSERT INTO schema_lock (id, holder, expires_at) VALUES (1, ?, now() + %s)
          ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE schema_lock.expires_at < now()
          RETURNING holder""".formatted(LEASE), holder).isPresent();
    } catch (DbClientException e) {
      if (SqlStates.retryable(e) || SqlStates.any(e, "23505")) {
        return false; // another replica took it meanwhile
      }
      throw e;
    }
  }

  private static void migrateHoldingLease(DbClient db) {
    DbExecute exec = db.execute();
    for (int v = checkedVersion(db); v < VERSION; v++) {
      for (String statement : MIGRATIONS.get(v)) {
        exec.dml(statement);
      }
      exec.dml("INSERT INTO schema_version (version) VALUES (?) ON CONFLICT (version) DO NOTHING", v + 1);
      LOG.info("database schema migrated to version " + (v + 1));
    }
  }

  /** Best effort: waiters go on once the version is current, and a lease left behind expires. */
  private static void releaseLease(DbClient db, String holder) {
    for (int attempt = 1; attempt <= BOOTSTRAP_ATTEMPTS; attempt++) {
      try {
        db.execute().dml("DELETE FROM schema_lock WHERE id = 1 AND holder = ?", holder);
        return;
      } catch (DbClientException e) {
        if (!SqlStates.retryable(e)) {
          LOG.warning("could not release the schema lock, it expires by itself: " + e.getMessage());
          return;
        }
        sleep(POLL);
      }
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.plusMillis(ThreadLocalRandom.current().nextLong(d.toMillis() + 1)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the schema", e);
    }
  }
}
