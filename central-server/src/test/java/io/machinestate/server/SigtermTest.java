package io.machinestate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.protocol.Paths;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real program in a child process: SIGTERM closes SSE streams cleanly and stops the server. */
class SigtermTest {
  @TempDir
  Path dataDir;

  @Test
  void sigtermClosesStreamsAndStops() throws Exception {
    try (ServerProcess server = new ServerProcess("--port", "0", "--data-dir", dataDir.toString())) {
      TestHttp http = new TestHttp(server.port());
      assertEquals(200, http.post(Paths.MACHINE_EVENT, TestEvents.android("skia-sigterm")).status());

      SseTest.Recorder recorder = new SseTest.Recorder();
      EventSource source = EventSources.createFactory(SseTest.client).newEventSource(
          new Request.Builder().url("http://127.0.0.1:" + server.port() + Paths.machineSse("skia-sigterm")).build(),
          recorder);
      assertTrue(recorder.opened.await(5, TimeUnit.SECONDS));
      recorder.nextDescription();

      assertTrue(server.stop(Duration.ofSeconds(20)), "server did not exit: " + server.log());
      assertTrue(recorder.closed.await(15, TimeUnit.SECONDS), "stream not closed: " + server.log());
      source.cancel();
      assertTrue(server.log().contains("central server stopped"), server.log());
    }
  }
}
