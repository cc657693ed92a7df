package io.machinestate.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.protocol.Paths;
import io.machinestate.server.TestEvents;
import io.machinestate.server.CentralServer;
import io.machinestate.server.ServerConfig;
import io.machinestate.server.TestHttp;
import io.machinestate.server.store.Change;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behind a trusted authenticating proxy: editors from the allow-list act, everyone else reads. */
class ProxyTest {
  @TempDir
  Path dataDir;

  @Test
  void editorsFromTheAllowListOthersRead() throws Exception {
    AuthConfig auth = new AuthConfig(List.of(), new AuthConfig.Proxy("X-Goog-Authenticated-User-Email",
        List.of(Cidr.parse("127.0.0.1/32")), List.of("alice@example.com")), false);
    try (CentralServer server = CentralServer.start(ServerConfig.defaults().withPort(0).withDataDir(dataDir)
        .withAuth(auth))) {
      server.store().update("skia-p", Change.by("test"), d -> d);
      TestHttp alice = new TestHttp(server.port())
          .withHeader("X-Goog-Authenticated-User-Email", "accounts.google.com:alice@example.com");
      TestHttp bob = new TestHttp(server.port()).withHeader("X-Goog-Authenticated-User-Email", "bob@example.com");

      TestHttp.Reply toggled = alice.post(Paths.TOGGLE_MODE + "skia-p");
      assertEquals(200, toggled.status(), toggled.body());
      assertTrue(toggled.body().contains("\"MaintenanceMode\":\"alice@example.com "), toggled.body());
      assertEquals(403, bob.post(Paths.TOGGLE_MODE + "skia-p").status());
      assertEquals(200, bob.get(Paths.MACHINES).status());
      assertEquals(403, bob.post(Paths.MACHINE_EVENT, TestEvents.android("skia-p")).status());
      assertEquals(401, new TestHttp(server.port()).get(Paths.MACHINES).status());
    }
  }
}
