package io.machinestate.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.machinestate.server.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What mscdbinit did: create the database and its schema on a cluster given by URL, repeatably. */
class InitDbTest {
  @TempDir
  Path pgData;

  @Test
  void createsDatabaseAndSchemaAndCanRunAgain() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(pgData, 0)) {
      ConnectionString url = ConnectionString.parse("postgresql://postgres:" + pg.password() + "@127.0.0.1:"
          + pg.port() + "/fleet?sslmode=disable");
      Database.init(url);
      Database.init(url);
      try (Database db = Database.open(url, DbTimeouts.DEFAULTS)) {
        assertEquals(Schema.VERSION, Schema.currentVersion(db.client()));
        assertEquals("fleet", db.client().execute().get("SELECT current_database() AS d").orElseThrow()
            .column("d").get(String.class));
      }
    }
  }
}
