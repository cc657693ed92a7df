package io.machinestate.server.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Json;
import io.machinestate.protocol.Paths;
import io.machinestate.server.CentralServer;
import io.machinestate.server.ServerConfig;
import io.machinestate.server.TestEvents;
import io.machinestate.server.TestHttp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
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

/** The fleet's stream, followed by a real SSE client: snapshot, synced, changes, deletions, resumption. */
class FleetStreamTest {
  @TempDir
  static Path dataDir;
  static CentralServer server;
  static TestHttp http;
  static final ObjectMapper JSON = Json.newMapper();
  static final OkHttpClient CLIENT = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();

  record Message(String type, String id, String data) {}

  static final class Recorder extends EventSourceListener {
    final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    final CountDownLatch opened = new CountDownLatch(1);

    @Override
    public void onOpen(EventSource source, Response response) {
      opened.countDown();
    }

    @Override
    public void onEvent(EventSource source, String id, String type, String data) {
      messages.add(new Message(type == null ? "message" : type, id, data));
    }

    Message next() throws InterruptedException {
      Message m = messages.poll(5, TimeUnit.SECONDS);
      assertNotNull(m, "no message within 5 s");
      return m;
    }

    /** The machine ids of the snapshot, up to its synced message. */
    Set<String> snapshot() throws Exception {
      Set<String> ids = new HashSet<>();
      for (Message m = next(); !m.type().equals("synced"); m = next()) {
        assertEquals("message", m.type(), m.toString());
        assertTrue(Long.parseLong(m.id()) > 0, m.id());
        ids.add(JSON.readValue(m.data(), Description.class).dimension("id"));
      }
      return ids;
    }
  }

  @BeforeAll
  static void start() {
    server = CentralServer.start(ServerConfig.defaults().withPort(0).withDataDir(dataDir));
    http = new TestHttp(server.port());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static EventSource follow(Recorder recorder, String lastEventId) throws Exception {
    Request.Builder request = new Request.Builder().url("http://127.0.0.1:" + server.port() + Paths.DESCRIPTIONS_SSE);
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    EventSource source = EventSources.createFactory(CLIENT).newEventSource(request.build(), recorder);
    assertTrue(recorder.opened.await(5, TimeUnit.SECONDS));
    return source;
  }

  @Test
  void snapshotThenChangesThenDeletionsAndAResumptionStartsWithASnapshot() throws Exception {
    for (String id : new String[] {"skia-fleet-1", "skia-fleet-2", "skia-fleet-3"}) {
      assertEquals(200, http.post(Paths.MACHINE_EVENT, TestEvents.android(id)).status());
    }
    Recorder recorder = new Recorder();
    EventSource source = follow(recorder, null);
    String lastId;
    try {
      assertEquals(Set.of("skia-fleet-1", "skia-fleet-2", "skia-fleet-3"), recorder.snapshot());

      assertEquals(200, http.post(Paths.TOGGLE_MODE + "skia-fleet-2").status());
      Message changed = recorder.next();
      Description d = JSON.readValue(changed.data(), Description.class);
      assertEquals("skia-fleet-2", d.dimension("id"));
      assertTrue(d.maintenanceMode().startsWith("anonymous "), d.maintenanceMode());
      assertEquals(server.store().getVersioned("skia-fleet-2").orElseThrow().version(), Long.parseLong(changed.id()));
      lastId = changed.id();

      assertEquals(200, http.post(Paths.DELETE_MACHINE + "skia-fleet-3").status());
      Message deleted = recorder.next();
      assertEquals("deleted", deleted.type());
      assertEquals("{\"MachineID\":\"skia-fleet-3\"}", deleted.data());
      assertNull(recorder.messages.poll(300, TimeUnit.MILLISECONDS), "nothing else changed");
    } finally {
      source.cancel();
    }

    Recorder resumed = new Recorder();
    EventSource again = follow(resumed, lastId);
    try {
      Set<String> snapshot = resumed.snapshot();
      assertEquals(Set.of("skia-fleet-1", "skia-fleet-2"), snapshot, "the deleted machine is not in the snapshot");
      assertFalse(snapshot.contains("skia-fleet-3"));
    } finally {
      again.cancel();
    }
  }
}
