package io.machinestate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.machinestate.protocol.Paths;
import io.machinestate.server.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server on an external database (by URL) that goes away: 503s, nothing half-written. */
class DatabaseDownTest {
  @TempDir
  Path pgData;

  @Test
  void requestsGet503WhileTheDatabaseIsDown() throws Exception {
    EmbeddedPostgres pg = EmbeddedPostgres.start(pgData, 0);
    try (CentralServer server = CentralServer.start(ServerConfig.defaults().withPort(0)
        .withDb("postgresql://postgres:" + pg.password() + "@127.0.0.1:" + pg.port() + "/postgres?connectTimeout=2"))) {
      TestHttp http = new TestHttp(server.port());
      assertEquals(200, http.post(Paths.MACHINE_EVENT, TestEvents.android("skia-db")).status());
      assertEquals(200, http.get(Paths.HEALTHZ).status());

      pg.close();

      TestHttp.Reply event = http.post(Paths.MACHINE_EVENT, TestEvents.android("skia-db"));
      assertEquals(503, event.status());
      assertEquals("database unavailable, nothing was changed; retry later", event.body());
      assertEquals(503, http.post(Paths.TOGGLE_MODE + "skia-db").status());
      assertEquals(503, http.get(Paths.HEALTHZ).status());
      assertEquals(200, http.get(Paths.LIVEZ).status()); // alive: no reason to restart it
      String metrics = http.get(Paths.METRICS).body();
      assertEquals(true, metrics.contains("machineserver_store_update_failures_total 1.0"), metrics);
    }
  }
}
