package io.machinestate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents post events while the server, alone or with its embedded PostgreSQL, is killed with
 * SIGKILL (what an OOM kill or a power cut does to a pod or a host). Each restart on the same
 * data folder must succeed at the first try, and every event that was answered 200 must be there.
 */
class CrashTest {
  private enum Kill { SERVER, SERVER_AND_DATABASE }

  @TempDir
  Path dataDir;

  @Test
  void acknowledgedEventsSurviveSigkillAndTheServerComesBack() throws Exception {
    Set<String> acked = new HashSet<>();
    Set<ProcessHandle> started = new HashSet<>();
    try {
      for (int round = 0; round < 6; round++) {
        Kill kill = round % 2 == 0 ? Kill.SERVER : Kill.SERVER_AND_DATABASE;
        long t0 = System.nanoTime();
        // not closed: after SIGKILL of the server alone, its PostgreSQL must be left for the next start
        ServerProcess server = new ServerProcess("--port", "0", "--data-dir", dataDir.toString());
        long startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        ProcessHandle jvm = server.process().toHandle();
        started.add(jvm);
        jvm.descendants().forEach(started::add);
        assertEquals(Set.of(), Agents.lost(acked, server.port()), "lost after the crash before round " + round);

        Agents agents = new Agents(8, server::port, "crash-" + round, 50_000);
        Thread.sleep(2500);
        List<ProcessHandle> victims = kill == Kill.SERVER
            ? List.of(jvm)
            : Stream.concat(Stream.of(jvm), jvm.descendants()).toList();
        victims.forEach(ProcessHandle::destroyForcibly);
        agents.close();
        acked.addAll(agents.acked());
        System.out.printf("crash round %d (%s): started in %d ms, %d events acknowledged, statuses %s%n",
            round, kill, startMillis, agents.acked().size(), agents.statuses());
        assertTrue(agents.acked().size() > 0, "no event was acknowledged: " + server.log());
      }
      try (ServerProcess server = new ServerProcess("--port", "0", "--data-dir", dataDir.toString())) {
        assertEquals(Set.of(), Agents.lost(acked, server.port()), "lost after the last crash");
        List<ProcessHandle> children = server.process().toHandle().descendants().toList();
        assertTrue(server.stop(Duration.ofSeconds(30)), server.log());
        for (ProcessHandle child : children) {
          assertTrue(child.onExit().get(10, TimeUnit.SECONDS) != null);
        }
      }
      System.out.println("crash test: " + acked.size() + " events acknowledged in all, 0 lost");
    } finally {
      started.forEach(ProcessHandle::destroyForcibly); // what a failed round may have left behind
    }
  }
}
