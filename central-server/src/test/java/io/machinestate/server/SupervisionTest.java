package io.machinestate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.protocol.Paths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded database dies under a running server: it is restarted, or the server exits. Never 503 forever. */
class SupervisionTest {
  private static final Pattern READY = Pattern.compile("embedded PostgreSQL \\(PID (\\d+)\\) ready on 127\\.0\\.0\\.1:(\\d+)");

  @TempDir
  Path dataDir;

  @Test
  void killedDatabaseIsRestartedAndCounted() throws Exception {
    try (CentralServer server = CentralServer.start(ServerConfig.defaults().withPort(0).withDataDir(dataDir))) {
      TestHttp http = new TestHttp(server.port());
      assertEquals(200, http.post(Paths.MACHINE_EVENT, TestEvents.android("skia-before")).status());

      ProcessHandle.of(server.database().embedded().pid()).orElseThrow().destroyForcibly();

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      int status;
      do {
        Thread.sleep(200);
        status = http.post(Paths.MACHINE_EVENT, TestEvents.android("skia-after")).status();
      } while (status != 200 && System.nanoTime() < deadline);
      assertEquals(200, status);
      assertEquals(200, http.get(Paths.MACHINE_DESCRIPTION + "skia-before").status());
      assertTrue(http.get(Paths.METRICS).body().contains("machineserver_embedded_database_restarts_total 1.0"));
    }
  }

  @Test
  void serverExitsWhenItsDatabaseCannotBeRestarted() throws Exception {
    try (ServerProcess server = new ServerProcess("--port", "0", "--data-dir", dataDir.toString())) {
      Matcher ready = READY.matcher(server.log());
      assertTrue(ready.find(), server.log());
      // the cluster loses its control file, so PostgreSQL cannot start again there
      Files.move(dataDir.resolve("pgdata/global/pg_control"), dataDir.resolve("pg_control.moved"));
      ProcessHandle.of(Long.parseLong(ready.group(1))).orElseThrow().destroyForcibly();
      assertTrue(server.process().waitFor(90, TimeUnit.SECONDS), "server did not exit:\n" + server.log());
      assertEquals(1, server.process().exitValue(), server.log());
      assertTrue(server.log().contains("could not be restarted"), server.log());
    }
  }
}
