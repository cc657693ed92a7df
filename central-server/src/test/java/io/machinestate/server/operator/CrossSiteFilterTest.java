package io.machinestate.server.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.protocol.Paths;
import io.machinestate.server.CentralServer;
import io.machinestate.server.ServerConfig;
import io.machinestate.server.TestEvents;
import io.machinestate.server.TestHttp;
import io.machinestate.server.TestHttp.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operator POSTs as a browser, a foreign page and a script would send them, over real HTTP. */
class CrossSiteFilterTest {
  static final String MACHINE = "skia-csrf-1";
  static final String ACTION = Paths.TOGGLE_MODE + MACHINE;

  @TempDir
  static Path dataDir;
  static CentralServer server;
  static TestHttp http;

  @BeforeAll
  static void start() {
    server = CentralServer.start(ServerConfig.defaults().withPort(0).withDataDir(dataDir));
    http = new TestHttp(server.port());
    assertEquals(200, http.post(Paths.MACHINE_EVENT, TestEvents.android(MACHINE)).status());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** A POST of {@code {}} with {@code contentType} (null: none) and headers as name/value pairs. */
  static Reply post(String contentType, String... headers) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + ACTION))
        .POST(HttpRequest.BodyPublishers.ofString("{}"));
    if (contentType != null) {
      r.header("Content-Type", contentType);
    }
    if (headers.length > 0) {
      r.headers(headers);
    }
    HttpResponse<String> res = HttpClient.newHttpClient().send(r.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(res.statusCode(), res.body());
  }

  /** A refusal leaves the machine as it was. */
  static void refused(int status, Reply reply, String says) {
    assertEquals(status, reply.status(), reply.body());
    assertTrue(reply.body().contains(says), reply.body());
    assertEquals("", server.store().get(MACHINE).orElseThrow().maintenanceMode());
  }

  @Test
  void crossSiteRequestsAreRefused() throws Exception {
    refused(403, post("application/json", "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"), "cross-site");
    refused(403, post("application/json", "Sec-Fetch-Site", "same-site"), "same-site");
    refused(403, post("application/json", "Origin", "https://evil.example"), "evil.example");
    refused(403, post("application/json", "Origin", "null"), "null");
    refused(403, post("application/x-www-form-urlencoded", "Sec-Fetch-Site", "cross-site"), "cross-site");
    // what a form sends from a browser too old to say where it comes from
    refused(415, post("text/plain"), "application/json");
    refused(415, post("multipart/form-data; boundary=x"), "application/json");
  }

  @Test
  void sameOriginBrowserRequestsMustBeJson() throws Exception {
    String self = "http://127.0.0.1:" + server.port();
    refused(415, post(null, "Sec-Fetch-Site", "same-origin"), "not none");
    refused(415, post("text/plain", "Origin", self), "application/json");
    assertEquals(200, post("application/json; charset=utf-8", "Sec-Fetch-Site", "same-origin").status());
    assertEquals(200, post("application/json", "Origin", self).status());
    assertEquals("", server.store().get(MACHINE).orElseThrow().maintenanceMode(), "toggled on and off");
  }

  @Test
  void clientsThatAreNotBrowsersAreUnaffected() {
    // curl and scripts post with no body or a JSON one; agents post their JSON without Origin
    assertEquals(200, http.post(ACTION).status());
    assertEquals(200, http.post(ACTION, "{}").status());
    assertEquals(200, http.post(Paths.MACHINE_EVENT, TestEvents.android(MACHINE)).status());
    assertEquals(200, http.post(Paths.POWERCYCLE_STATE_UPDATE,
        "{\"Machines\":[{\"MachineID\":\"" + MACHINE + "\",\"PowerCycleState\":\"available\"}]}").status());
    assertEquals(200, http.post(Paths.POWERCYCLE_COMPLETE + MACHINE).status());
  }

  @Test
  void originIsComparedWithTheHostTheBrowserAddressed() {
    assertTrue(CrossSiteFilter.sameOrigin("https://machines.example.org", "machines.example.org"));
    assertTrue(CrossSiteFilter.sameOrigin("https://machines.example.org", "machines.example.org:443"));
    assertTrue(CrossSiteFilter.sameOrigin("http://localhost:8000", "localhost:8000"));
    assertFalse(CrossSiteFilter.sameOrigin("http://localhost:8001", "localhost:8000"));
    assertFalse(CrossSiteFilter.sameOrigin("https://machines.example.org.evil.example", "machines.example.org"));
    assertFalse(CrossSiteFilter.sameOrigin("null", "machines.example.org"));
  }
}
