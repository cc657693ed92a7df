package io.machinestate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Json;
import io.machinestate.protocol.Paths;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SSE streams, followed by a real okhttp-sse client as the agents follow them. */
class SseTest {
  @TempDir
  static Path dataDir;
  static CentralServer server;
  static TestHttp http;
  static final ObjectMapper json = Json.newMapper();
  static final OkHttpClient client = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();

  @BeforeAll
  static void start() {
    server = CentralServer.start(ServerConfig.defaults().withPort(0).withDataDir(dataDir)
        .withSseHeartbeat(Duration.ofMillis(300)));
    http = new TestHttp(server.port());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Records what a stream delivers. */
  static final class Recorder extends EventSourceListener {
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final CountDownLatch opened = new CountDownLatch(1);
    final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public void onOpen(EventSource source, Response response) {
      opened.countDown();
    }

    @Override
    public void onEvent(EventSource source, String id, String type, String data) {
      assertNotNull(id, "every message carries an id");
      messages.add(data);
    }

    @Override
    public void onClosed(EventSource source) {
      closed.countDown();
    }

    @Override
    public void onFailure(EventSource source, Throwable t, Response response) {
      closed.countDown();
    }

    Description nextDescription() throws Exception {
      String data = messages.poll(5, TimeUnit.SECONDS);
      assertNotNull(data, "no message within 5 s");
      return json.readValue(data, Description.class);
    }
  }

  static EventSource follow(String path, Recorder recorder) throws Exception {
    EventSource source = EventSources.createFactory(client)
        .newEventSource(new Request.Builder().url("http://127.0.0.1:" + server.port() + path).build(), recorder);
    assertTrue(recorder.opened.await(5, TimeUnit.SECONDS));
    return source;
  }

  @Test
  void subscriberGetsTheCurrentDescriptionThenAnOperatorChangeWithinASecond() throws Exception {
    http.post(Paths.MACHINE_EVENT, TestEvents.android("skia-sse-1"));
    Recorder recorder = new Recorder();
    EventSource source = follow(Paths.machineSse("skia-sse-1"), recorder);
    try {
      assertEquals("", recorder.nextDescription().maintenanceMode());

      long sent = System.nanoTime();
      assertEquals(200, http.post(Paths.TOGGLE_MODE + "skia-sse-1").status());
      String data = recorder.messages.poll(1, TimeUnit.SECONDS);
      long millis = (System.nanoTime() - sent) / 1_000_000;
      assertNotNull(data, "operator change not seen within a second");
      assertTrue(json.readValue(data, Description.class).maintenanceMode().startsWith("anonymous "));
      System.out.println("operator change reached the SSE subscriber in " + millis + " ms");
    } finally {
      source.cancel();
    }
  }

  @Test
  void unknownMachineStreamWaitsForItsFirstEvent() throws Exception {
    Recorder recorder = new Recorder();
    EventSource source = follow(Paths.machineSse("skia-sse-new"), recorder);
    try {
      http.post(Paths.MACHINE_EVENT, TestEvents.android("skia-sse-new"));
      assertEquals("v1.2", recorder.nextDescription().version());
    } finally {
      source.cancel();
    }
  }

  @Test
  void idleStreamGetsHeartbeatComments() throws Exception {
    HttpURLConnection c = (HttpURLConnection) URI.create(
        "http://127.0.0.1:" + server.port() + Paths.machineSse("skia-sse-quiet")).toURL().openConnection();
    c.setReadTimeout(5000);
    try (BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals("text/event-stream", c.getContentType());
      assertEquals(": connected", in.readLine());
      assertEquals("", in.readLine());
      assertEquals(": heartbeat", in.readLine());
    } finally {
      c.disconnect();
    }
  }

  @Test
  void powerCycleStreamSendsTheListOnConnectAndOnEveryChange() throws Exception {
    http.post(Paths.MACHINE_EVENT, TestEvents.android("skia-sse-pc"));
    Recorder recorder = new Recorder();
    EventSource source = follow(Paths.POWERCYCLE_SSE, recorder);
    try {
      assertEquals("[]", recorder.messages.poll(5, TimeUnit.SECONDS));
      http.post(Paths.TOGGLE_POWERCYCLE + "skia-sse-pc");
      assertEquals("[\"skia-sse-pc\"]", recorder.messages.poll(1, TimeUnit.SECONDS));
      http.post(Paths.withId(Paths.POWERCYCLE_COMPLETE, "skia-sse-pc"));
      assertEquals("[]", recorder.messages.poll(1, TimeUnit.SECONDS));
    } finally {
      source.cancel();
    }
  }

  @Test
  void badStreamIdIs400() {
    assertEquals(400, http.get(Paths.MACHINE_SSE).status());
    assertEquals(400, http.get(Paths.MACHINE_SSE + "?stream=" + "x".repeat(300)).status());
  }
}
