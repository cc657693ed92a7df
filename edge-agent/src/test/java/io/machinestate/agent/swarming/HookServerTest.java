package io.machinestate.agent.swarming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.machinestate.agent.FakeCentral;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Json;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
}
