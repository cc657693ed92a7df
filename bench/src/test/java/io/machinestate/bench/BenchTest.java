package io.machinestate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.server.CentralServer;
import io.machinestate.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short run of both loops against a real server: the bench works and counts what it sent. */
class BenchTest {
  @TempDir
  Path dataDir;

  @Test
  void shortRunsCommitEventsAndTimeSseDelivery() throws Exception {
    try (CentralServer server = CentralServer.start(ServerConfig.defaults().withPort(0).withDataDir(dataDir))) {
      String url = "http://127.0.0.1:" + server.port();
      for (String rate : new String[] {"0", "50"}) {
        Bench bench = new Bench(Bench.Options.parse(new String[] {
            "--server", url, "--machines", "30", "--seconds", "2", "--rate", rate, "--concurrency", "4",
            "--sse-machines", "3", "--followers", "30"}));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Bench.Result r = bench.run(new PrintStream(out, true));
        bench.close();
        assertEquals(0, r.failed(), out.toString());
        assertTrue(r.ok() > 0, out.toString());
        assertEquals(r.ok(), r.events().count());
        assertTrue(r.sse().count() > 0, "no SSE delivery timed: " + out);
        assertTrue(out.toString().matches("(?s).*event to SSE delivery \\(30 followers\\): p50 .* \\(n=[1-9].*"),
            out.toString());
        assertTrue(out.toString().matches("(?s).*server: [0-9.]+ ms CPU per event, RSS [0-9]+ MiB.*"), out.toString());
        assertTrue(out.toString().contains("events/s"), out.toString());
      }
      assertEquals(33, server.store().list().size(), "30 load machines and 3 followed over SSE");
      // the bench measures the common case: healthy devices, not ones sent into recovery
      server.store().list().forEach(d -> assertEquals("", d.recovering(), d.dimension("id")));
    }
  }
}
