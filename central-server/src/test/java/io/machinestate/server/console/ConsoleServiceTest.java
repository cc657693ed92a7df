package io.machinestate.server.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.server.CentralServer;
import io.machinestate.server.ServerConfig;
import io.machinestate.server.auth.AuthConfig;
import io.machinestate.server.auth.Role;
import io.machinestate.server.auth.Tokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's files without credentials, and nothing else through their paths, with tokens configured. */
class ConsoleServiceTest {
  @TempDir
  static Path dataDir;
  static CentralServer server;

  @BeforeAll
  static void start() {
    AuthConfig auth = new AuthConfig(List.of(
        new AuthConfig.Token("ops", Tokens.sha256Hex(Tokens.newToken()), Role.EDITOR, null)), null, false);
    server = CentralServer.start(ServerConfig.defaults().withPort(0).withDataDir(dataDir).withAuth(auth));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  record Reply(int status, String contentType, String policy, String body) {}

  /** A GET of {@code path} as is: java.net.URI keeps dot segments, so the server sees them. */
  static Reply get(String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
        r.headers().firstValue("Content-Security-Policy").orElse(""), r.body());
  }

  @Test
  void filesNeedNoCredentialsAndForbidForeignCodeAndFraming() throws Exception {
    Reply page = get("/");
    assertEquals(200, page.status(), page.body());
    assertTrue(page.body().contains("<script type=\"module\" src=\"console/main.js\">"), page.body());
    assertTrue(page.policy().startsWith("default-src 'self'"), page.policy());
    assertTrue(page.policy().contains("frame-ancestors 'none'"), page.policy());
    Reply script = get("/console/main.js");
    assertEquals(200, script.status());
    assertEquals("text/javascript", script.contentType());
  }

  @Test
  void theirPathsLeadNowhereElse() throws Exception {
    for (String path : List.of("/_/machines", "/console/../_/machines", "/index.html/../loginstatus/",
        "/console/../json/v1/machine/sse/descriptions")) {
      assertEquals(401, get(path).status(), path);
    }
    assertEquals(404, get("/console/%2e%2e/_/machines").status());
    assertEquals(404, get("/console/missing.js").status());
  }
}
