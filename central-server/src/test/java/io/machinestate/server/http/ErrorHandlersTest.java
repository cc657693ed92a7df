package io.machinestate.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.machinestate.server.TestHttp;
import io.machinestate.server.store.AmbiguousCommitException;
import io.machinestate.server.store.StoreUnavailableException;
import org.junit.jupiter.api.Test;

/** What clients are told when the database fails, over real HTTP. */
class ErrorHandlersTest {
  @Test
  void unconfirmedCommitIs504AndNeverSaysNothingChanged() {
    HttpRouting.Builder routing = HttpRouting.builder()
        .post("/ambiguous", (req, res) -> {
          throw new AmbiguousCommitException("update of skia-x: the database did not confirm the commit", null);
        })
        .post("/unavailable", (req, res) -> {
          throw new StoreUnavailableException("update of skia-x failed", null);
        });
    ErrorHandlers.register(routing);
    WebServer server = WebServer.builder().host("127.0.0.1").port(0).routing(routing).build().start();
    try {
      TestHttp http = new TestHttp(server.port());
      assertEquals(new TestHttp.Reply(504, "the database did not confirm the commit: the change may have been "
          + "applied; read it back before retrying"), http.post("/ambiguous"));
      assertEquals(new TestHttp.Reply(503, "database unavailable, nothing was changed; retry later"),
          http.post("/unavailable"));
    } finally {
      server.stop();
    }
  }
}
