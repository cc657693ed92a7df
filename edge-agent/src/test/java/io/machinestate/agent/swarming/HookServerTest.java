package io.machinestate.agent.swarming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.machinestate.agent.FakeCentral;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Json;
import io.machinestate.testing.LogRecorder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HookServerTest {
  final ObjectMapper mapper = Json.newMapper();
  final HttpClient http = HttpClient.newHttpClient();
  final AtomicReference<Description> description = new AtomicReference<>(Description.builder().build());
  final AtomicBoolean running = new AtomicBoolean();
  final AtomicInteger afterTasks = new AtomicInteger();
  HookServer server;

  @BeforeEach
  void start() throws Exception {
    server = new HookServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), description::get, running,
        afterTasks::incrementAndGet, "rack4", () -> "edge_agent_events_accepted_total 2.0\n", mapper);
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> call(String method, String path, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void getStateDropsWhatOnlyTheServerDecidesAndAddsTheRack() throws Exception {
    HttpResponse<String> r = call("POST", "/get_state",
        "{\"quarantined\": \"yes\", \"maintenance\": \"yes\", \"disks\": {\"/\": {\"free_mb\": 1024}}, \"cost_usd_hour\": 0.1}");
    assertEquals(200, r.statusCode());
    assertEquals(Map.of("disks", Map.of("/", Map.of("free_mb", 1024)), "cost_usd_hour", 0.1, "sk_rack", "rack4"),
        mapper.readValue(r.body(), Map.class));
  }

  @Test
  void getSettings() throws Exception {
    HttpResponse<String> r = call("GET", "/get_settings", null);
    assertEquals(200, r.statusCode());
    assertEquals("{\"caches\":{\"isolated\":{\"size\":8589934592}}}", r.body());
  }

  @Test
  void getDimensionsOverlaysTheDescriptionsNonEmptyDimensions() throws Exception {
    Map<String, List<String>> dims = new TreeMap<>();
    dims.put("id", List.of("skia-rpi-001"));
    dims.put("os", List.of("Android"));
    dims.put("gpu", List.of());
    description.set(Description.builder().dimensions(dims).build());
    HttpResponse<String> r = call("POST", "/get_dimensions", "{\"id\": [\"bot\"], \"gpu\": [\"none\"], \"pool\": [\"Skia\"]}");
    assertEquals(200, r.statusCode());
    assertEquals(Map.of("id", List.of("skia-rpi-001"), "os", List.of("Android"), "gpu", List.of("none"), "pool", List.of("Skia")),
        mapper.readValue(r.body(), Map.class));
  }

  @Test
  void getDimensionsWithNothingToSayIsAnError() throws Exception {
    HttpResponse<String> r = call("POST", "/get_dimensions", "{}");
    assertEquals(500, r.statusCode());
    assertTrue(r.body().contains("no dimensions"), r.body());
  }

  @Test
  void badInputIsABadRequest() throws Exception {
    HttpResponse<String> r = call("POST", "/get_dimensions", "{\"id\": ");
    assertEquals(400, r.statusCode());
    assertTrue(r.body().startsWith("bad JSON"), r.body());
    assertEquals(400, call("POST", "/get_state", "null").statusCode());
    assertEquals(400, call("POST", "/get_dimensions", "{\"id\": \"not a list\"}").statusCode());
  }

  @Test
  void wrongMethodIsRefused() throws Exception {
    HttpResponse<String> r = call("GET", "/get_state", null);
    assertEquals(405, r.statusCode());
    assertEquals("POST", r.headers().firstValue("Allow").orElseThrow());
  }

  @Test
  void healthAndMetricsForPrometheus() throws Exception {
    HttpResponse<String> health = call("GET", "/healthz", null);
    assertEquals(200, health.statusCode());
    assertEquals("ok\n", health.body());
    HttpResponse<String> metrics = call("GET", "/metrics", null);
    assertEquals(200, metrics.statusCode());
    assertEquals("edge_agent_events_accepted_total 2.0\n", metrics.body());
    assertTrue(metrics.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
    assertEquals(405, call("POST", "/metrics", "").statusCode());
  }

  @Test
  void taskHooksTrackTheTaskAndRunTheAfterTaskWork() throws Exception {
    assertEquals(200, call("GET", "/on_before_task", null).statusCode());
    assertTrue(running.get());
    assertEquals(200, call("GET", "/on_after_task", null).statusCode());
    assertFalse(running.get());
    FakeCentral.await("after-task work", 5, () -> afterTasks.get() == 1);
  }

  @Test
  void aForgedHostIsRefusedAndTheDeviceNotRebooted() throws Exception {
    try (LogRecorder logs = LogRecorder.start()) {
      int port = server.port();
      assertEquals("HTTP/1.1 403 Forbidden", statusLine(port, "GET /on_before_task", "Host: rebind.attacker.example:" + port));
      assertEquals("HTTP/1.1 403 Forbidden", statusLine(port, "GET /on_after_task", "Host: rebind.attacker.example:" + port));
      assertEquals("HTTP/1.1 403 Forbidden", statusLine(port, "GET /on_after_task", "Host: localhost.attacker.example"));
      assertEquals("HTTP/1.1 403 Forbidden", statusLine(port, "GET /on_after_task", "Host: 127.0.0.1:" + port,
          "Host: evil.example"));
      assertEquals("HTTP/1.1 403 Forbidden", statusLine(port, "GET /on_after_task"));
      assertFalse(running.get());
      assertEquals(0, afterTasks.get());
      assertTrue(logs.logged("Swarming hook /on_after_task: refused Host \"rebind.attacker.example:" + port + "\""),
          String.join("", logs.lines()));
    }
  }

  @Test
  void loopbackHostsAreAnsweredWithOrWithoutAPort() throws Exception {
    int port = server.port();
    for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST", "127.0.0.1", "[::1]:" + port, "[::1]")) {
      assertEquals("HTTP/1.1 200 OK", statusLine(port, "GET /healthz", "Host: " + host), host);
    }
  }

  @Test
  void boundBeyondLoopbackAnyHostIsAnsweredAndAWarningSaysSo() throws Exception {
    try (LogRecorder logs = LogRecorder.start();
        HookServer wide = new HookServer(new InetSocketAddress("0.0.0.0", 0), description::get, running,
            afterTasks::incrementAndGet, "rack4", () -> "", mapper)) {
      wide.start();
      assertTrue(logs.logged("The Swarming hook server listens on", "beyond loopback (--bind)"), String.join("", logs.lines()));
      assertEquals("HTTP/1.1 200 OK", statusLine(wide.port(), "GET /healthz", "Host: skia-rpi-001.lab:" + wide.port()));
    }
    try (LogRecorder logs = LogRecorder.start();
        HookServer local = new HookServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), description::get,
            running, afterTasks::incrementAndGet, "rack4", () -> "", mapper)) {
      local.start();
      assertFalse(logs.logged("beyond loopback"), "bound to loopback: no warning");
    }
  }

  /** Sends a request over a plain socket, with exactly these header lines, and returns the status line. */
  private static String statusLine(int port, String requestLine, String... headers) throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      String request = requestLine + " HTTP/1.1\r\n" + String.join("", List.of(headers).stream().map(h -> h + "\r\n").toList())
          + "Connection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }
  }
}
