package io.machinestate.server.store;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import java.util.List;
import java.util.logging.Logger;

/**
 * Creates or migrates the schema under a version table. Every statement is idempotent and runs on
 * PostgreSQL 14+ and CockroachDB 23.1+; the DDL runs outside explicit transactions, which
 * CockroachDB handles best, so a migration interrupted half-way is simply run again.
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
          "CREATE INDEX IF NOT EXISTS history_ts ON history (ts)"));

  public static final int VERSION = MIGRATIONS.size();

  private Schema() {}

  /** Brings the schema to {@link #VERSION}; refuses a database whose schema is newer. */
  public static void migrate(DbClient db) {
    DbExecute exec = db.execute();
    exec.dml("""
        CREATE TABLE IF NOT EXISTS schema_version (
          version INT8 PRIMARY KEY,
          applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )""");
    int current = currentVersion(db);
    if (current > VERSION) {
      throw new IllegalStateException("the database schema is at version " + current
          + " but this server knows only up to version " + VERSION
          + ": run a newer central-server, or restore a backup made for this one");
    }
    for (int v = current; v < VERSION; v++) {
      for (String statement : MIGRATIONS.get(v)) {
        exec.dml(statement);
      }
      exec.dml("INSERT INTO schema_version (version) VALUES (?) ON CONFLICT (version) DO NOTHING", v + 1);
      LOG.info("database schema migrated to version " + (v + 1));
    }
  }

  public static int currentVersion(DbClient db) {
    return db.execute()
        .get("SELECT COALESCE(MAX(version), 0) AS v FROM schema_version")
        .map(row -> row.column("v").get(Number.class).intValue())
        .orElse(0);
  }
}
