package io.machinestate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.protocol.Paths;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Request;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real program in a child process: SIGTERM closes SSE streams cleanly and stops the server. */
class SigtermTest {
  private static final Pattern LISTENING = Pattern.compile("central server listening on http://127\\.0\\.0\\.1:(\\d+)");

  @TempDir
  Path dataDir;

  @Test
  void sigtermClosesStreamsAndStops() throws Exception {
    Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "--port", "0", "--data-dir", dataDir.toString())
        .redirectErrorStream(true)
        .start();
    List<String> output = new CopyOnWriteArrayList<>();
    int[] port = {0};
    Thread reader = Thread.ofVirtual().start(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          output.add(line);
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            synchronized (port) {
              port[0] = Integer.parseInt(m.group(1));
              port.notifyAll();
            }
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
    });
    try {
      synchronized (port) {
        long deadline = System.currentTimeMillis() + 60_000;
        while (port[0] == 0 && System.currentTimeMillis() < deadline && server.isAlive()) {
          port.wait(500);
        }
      }
      assertTrue(port[0] > 0, "server did not start: " + output);
      TestHttp http = new TestHttp(port[0]);
      assertEquals(200, http.post(Paths.MACHINE_EVENT, TestEvents.android("skia-sigterm")).status());

      SseTest.Recorder recorder = new SseTest.Recorder();
      EventSource source = EventSources.createFactory(SseTest.client).newEventSource(
          new Request.Builder().url("http://127.0.0.1:" + port[0] + Paths.machineSse("skia-sigterm")).build(), recorder);
      assertTrue(recorder.opened.await(5, TimeUnit.SECONDS));
      recorder.nextDescription();

      // SIGTERM; Process.destroy() would also close our end of its output, losing its last words
      assertTrue(server.toHandle().destroy());
      assertTrue(recorder.closed.await(15, TimeUnit.SECONDS), "stream not closed: " + output);
      assertTrue(server.waitFor(20, TimeUnit.SECONDS), "server did not exit: " + output);
      source.cancel();
      reader.join(10_000);
      assertTrue(output.stream().anyMatch(l -> l.contains("central server stopped")), String.join("\n", output));
    } finally {
      server.destroyForcibly();
    }
  }
}
