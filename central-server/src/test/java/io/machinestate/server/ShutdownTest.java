package io.machinestate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.protocol.Paths;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import okhttp3.sse.EventSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping (what SIGTERM does) ends SSE streams cleanly, and the data survives a restart. */
class ShutdownTest {
  @TempDir
  Path dataDir;

  @Test
  void closeEndsStreamsAndDataSurvivesRestart() throws Exception {
    int port;
    SseTest.Recorder recorder = new SseTest.Recorder();
    EventSource source;
    try (CentralServer server = CentralServer.start(ServerConfig.defaults().withPort(0).withDataDir(dataDir))) {
      port = server.port();
      TestHttp http = new TestHttp(port);
      assertEquals(200, http.post(Paths.MACHINE_EVENT, TestEvents.android("skia-restart")).status());
      assertEquals(200, http.post(Paths.TOGGLE_POWERCYCLE + "skia-restart").status());
      source = okhttp3.sse.EventSources.createFactory(SseTest.client).newEventSource(
          new okhttp3.Request.Builder().url("http://127.0.0.1:" + port + Paths.machineSse("skia-restart")).build(),
          recorder);
      assertTrue(recorder.opened.await(5, TimeUnit.SECONDS));
    }
    assertTrue(recorder.closed.await(5, TimeUnit.SECONDS), "stream not closed by the server's stop");
    source.cancel();

    try (CentralServer server = CentralServer.start(ServerConfig.defaults().withPort(port).withDataDir(dataDir))) {
      TestHttp http = new TestHttp(server.port());
      assertEquals(200, http.get(Paths.withId(Paths.MACHINE_DESCRIPTION, "skia-restart")).status());
      assertEquals("[\"skia-restart\"]", http.get(Paths.POWERCYCLE_LIST).body());
    }
  }
}
