package io.machinestate.powercycle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.powercycle.testing.Eventually;
import io.machinestate.powercycle.testing.FakeCentralServer;
import io.machinestate.protocol.Json;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestWatcherTest {
  private record Seen(List<String> machines, RequestWatcher.Source source) {}

  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final OkHttpClient http = new OkHttpClient();
  private FakeCentralServer server;
  private RequestWatcher watcher;

  @AfterEach
  void tearDown() {
    watcher.close();
    server.close();
  }

  @Test
  void followsThePushStream() throws Exception {
    server = new FakeCentralServer(true);
    start(Duration.ofHours(1)); // only the first poll happens: the stream must deliver the rest

    Eventually.await("the list on connect", () -> seen.contains(new Seen(List.of(), RequestWatcher.Source.STREAM)));
    server.request("skia-rpi-001");
    server.request("skia-rpi-002");

    Eventually.await("each change pushed", () ->
        seen.contains(new Seen(List.of("skia-rpi-001", "skia-rpi-002"), RequestWatcher.Source.STREAM)));
    assertTrue(seen.contains(new Seen(List.of("skia-rpi-001"), RequestWatcher.Source.STREAM)));
    assertEquals(1, server.listCalls());
  }

  @Test
  void pollsAServerWithoutThePushStream() throws Exception {
    server = new FakeCentralServer(false);
    start(Duration.ofMillis(50));

    server.request("skia-rpi-001");

    Eventually.await("a poll seeing the request", () ->
        seen.contains(new Seen(List.of("skia-rpi-001"), RequestWatcher.Source.POLL)));
    assertTrue(seen.stream().noneMatch(s -> s.source() == RequestWatcher.Source.STREAM));
  }

  @Test
  void followsTheStreamAgainAfterTheServerComesBack() throws Exception {
    server = new FakeCentralServer(true);
    start(Duration.ofHours(1));
    Eventually.await("the list on connect", () -> !seen.isEmpty());

    server.stop();
    server.restart();
    server.request("skia-rpi-003");

    Eventually.await("the request pushed on the new stream", () ->
        seen.contains(new Seen(List.of("skia-rpi-003"), RequestWatcher.Source.STREAM)));
  }

  private void start(Duration pollInterval) {
    CentralServerClient client = new CentralServerClient(server.url(), http, Json.newMapper());
    watcher = new RequestWatcher(client, http, pollInterval, Duration.ofMillis(100),
        (machines, source, sentNanos) -> seen.add(new Seen(machines, source)));
    watcher.start();
  }
}
