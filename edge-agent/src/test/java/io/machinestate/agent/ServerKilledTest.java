package io.machinestate.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.agent.description.DescriptionFollower;
import io.machinestate.agent.tools.FakeTools;
import io.machinestate.protocol.Paths;
import io.machinestate.server.ServerProcess;
import io.machinestate.testing.LogRecorder;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real central server killed with SIGKILL and started again on its port, under a running agent. */
class ServerKilledTest {
  static final String ID = "skia-e-linux-102";

  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();
  final LogRecorder logs = LogRecorder.start();
  ServerProcess server;
  /** The server killed, kept to stop its PostgreSQL should the test end before a new server clears it. */
  ServerProcess killed;
  Agent agent;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (agent != null) {
      agent.close();
    }
    if (server != null) {
      server.close();
    }
    if (killed != null) {
      killed.close();
    }
    logs.close();
  }

  @Test
  void theStreamIsFollowedAgainWithinSecondsOfTheServersReturn() throws Exception {
    server = new ServerProcess("--port", "0", "--data-dir", dir.resolve("db").toString());
    int port = server.port();
    agent = startAgent(port);
    FakeCentral.await("the server's dimensions", 20, () -> ID.equals(agent.description().dimension("id")));
    FakeCentral.await("the stream", 10, () -> following() == 1);

    server.kill();
    killed = server;
    server = null;
    FakeCentral.await("the agent noticing", 10, () -> logs.logged("Description stream of machine " + ID + " lost ("));
    Thread.sleep(8_000); // long enough for the reconnection backoff to pass the cap
    server = new ServerProcess("--port", Integer.toString(port), "--data-dir", dir.resolve("db").toString());
    long back = System.nanoTime();

    FakeCentral.await("the stream followed again", 10, () -> following() == 2);
    long reconnectMillis = (System.nanoTime() - back) / 1_000_000;
    assertTrue(reconnectMillis <= DescriptionFollower.UNREACHABLE_MAX_WAIT.toMillis() + 1500, "reconnected after " + reconnectMillis + " ms");

    toggleMaintenance(port);
    long toggled = System.nanoTime();
    // The poll interval is an hour: only the stream can bring the change.
    FakeCentral.await("maintenance mode at the agent", 5, () -> !agent.description().maintenanceMode().isEmpty());
    long millis = (System.nanoTime() - toggled) / 1_000_000;
    assertTrue(millis < 1000, "the toggle took " + millis + " ms to reach the agent");
  }

  private long following() {
    return logs.lines().stream().filter(l -> l.contains("Following the Description of machine " + ID)).count();
  }

  private Agent startAgent(int serverPort) throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Files.createDirectories(dir.resolve("bin"));
    AgentConfig config = Flags.parse(new String[] {
        "--server", "http://127.0.0.1:" + serverPort, "--machine-id", ID, "--port", "0",
        "--state-dir", dir.resolve("state").toString(), "--home", dir.toString(),
        "--gce-metadata-host", "127.0.0.1:" + closedPort, "--tool-timeout", "1",
    }, Map.of("PATH", new FakeTools(dir.resolve("bin")).path()), "e2e-2")
        .withIntervals(Duration.ofHours(1), Duration.ofHours(1));
    return Agent.start(config, () -> EndToEndTest.HARDWARE);
  }

  private void toggleMaintenance(int port) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + Paths.withId(Paths.TOGGLE_MODE, ID)))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }
}
