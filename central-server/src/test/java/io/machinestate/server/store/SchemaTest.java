package io.machinestate.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start, restart and a database from the future, on one embedded PostgreSQL data folder. */
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

  private static Instant appliedAt(Database db) {
    return db.client().execute().get("SELECT MAX(applied_at) AS t FROM schema_version").orElseThrow()
        .column("t").get(Timestamp.class).toInstant();
  }
}
