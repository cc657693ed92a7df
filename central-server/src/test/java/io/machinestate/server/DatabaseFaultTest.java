package io.machinestate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.protocol.Paths;
import io.machinestate.server.embedded.EmbeddedPostgres;
import io.machinestate.server.store.DbTimeouts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An external PostgreSQL (the same binaries, started by the test) stopped, then frozen, under load.
 * Meanwhile requests fail with 503 in bounded time; afterwards the server recovers by itself and
 * nothing acknowledged is lost.
 */
class DatabaseFaultTest {
  private static final DbTimeouts TIMEOUTS =
      new DbTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(5));

  @TempDir
  Path pgDir;

  @Test
  void stoppedThenFrozenDatabase() throws Exception {
    EmbeddedPostgres pg = EmbeddedPostgres.start(pgDir, 0);
    int port = pg.port();
    String url = "postgresql://postgres:" + pg.password() + "@127.0.0.1:" + port + "/postgres";
    try (CentralServer server = CentralServer.start(ServerConfig.defaults().withPort(0).withDb(url)
        .withDbTimeouts(TIMEOUTS))) {
      Agents stopped = new Agents(4, server::port, "stopped", 20_000);
      Thread.sleep(2000);
      pg.close();
      Thread.sleep(10_000);
      pg = EmbeddedPostgres.start(pgDir, port);
      awaitRecovery(server.port());
      Thread.sleep(1000);
      stopped.close();
      report("stopped for 10 s", stopped);
      assertEquals(Set.of(), Agents.lost(stopped.acked(), server.port()));

      Agents frozen = new Agents(4, server::port, "frozen", 20_000);
      Thread.sleep(2000);
      List<Long> pids = Stream.concat(Stream.of(pg.pid()),
          ProcessHandle.of(pg.pid()).orElseThrow().descendants().map(ProcessHandle::pid)).toList();
      signal("STOP", pids);
      try {
        Thread.sleep(20_000);
      } finally {
        signal("CONT", pids);
      }
      awaitRecovery(server.port());
      Thread.sleep(1000);
      frozen.close();
      report("frozen for 20 s", frozen);
      assertEquals(Set.of(), Agents.lost(frozen.acked(), server.port()));
      // a request caught by the freeze waits at most the socket timeout, then the pool's own
      long bound = TIMEOUTS.socket().plus(TIMEOUTS.connect()).plusSeconds(10).toMillis();
      assertTrue(frozen.slowestMillis() < bound, frozen.slowestMillis() + " ms");
    } finally {
      pg.close();
    }
  }

  private static void report(String what, Agents agents) {
    Map<Integer, Integer> statuses = agents.statuses();
    System.out.printf("database %s: %d events acknowledged, statuses %s, slowest answer %d ms%n",
        what, agents.acked().size(), statuses, agents.slowestMillis());
    assertTrue(statuses.getOrDefault(503, 0) > 0, "the outage was not seen: " + statuses);
    // 504: a COMMIT cut off by the outage, whose outcome the server cannot know
    assertTrue(Set.of(200, 503, 504).containsAll(statuses.keySet()), "unexpected statuses: " + statuses);
  }

  private static void awaitRecovery(int port) throws InterruptedException {
    TestHttp http = new TestHttp(port);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (http.get(Paths.HEALTHZ).status() != 200) {
      assertTrue(System.nanoTime() < deadline, "the server did not recover");
      Thread.sleep(200);
    }
  }

  private static void signal(String signal, List<Long> pids) throws Exception {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    pids.forEach(p -> command.add(Long.toString(p)));
    assertEquals(0, new ProcessBuilder(command).inheritIO().start().waitFor());
  }
}
