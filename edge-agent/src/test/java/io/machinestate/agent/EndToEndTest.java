package io.machinestate.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.machinestate.agent.host.HostDevice;
import io.machinestate.agent.tools.FakeTools;
import io.machinestate.protocol.AgentToken;
import io.machinestate.protocol.Json;
import io.machinestate.testing.LogRecorder;
import io.machinestate.protocol.Paths;
import io.machinestate.server.CentralServer;
import io.machinestate.server.ServerConfig;
import io.machinestate.server.auth.AuthConfig;
import io.machinestate.server.auth.Role;
import io.machinestate.server.auth.Tokens;
import io.machinestate.testing.TokenFiles;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent against the real central server on its embedded database, with access control on:
 * the agent's token speaks for its own machine, the operator's for everything.
 */
class EndToEndTest {
  static final String ID = "skia-e-linux-101";
  static final HostDevice.Hardware HARDWARE = new HostDevice.Hardware(8, List.of("x86", "x86-64", "x86-64-i7-9750H"),
      List.of("8086", "8086:3e9b"), List.of("Linux", "Debian", "Debian-12"));

  @TempDir Path dir;
  final ObjectMapper mapper = Json.newMapper();
  final HttpClient http = HttpClient.newHttpClient();
  final String agentToken = Tokens.newToken();
  /** Valid, but for other machines than this one. */
  final String otherRackToken = Tokens.newToken();
  final String editorToken = Tokens.newToken();
  LogRecorder logs;
  CentralServer server;
  Agent agent;

  @BeforeEach
  void recordLogs() {
    logs = LogRecorder.start();
  }

  @AfterEach
  void tearDown() {
    if (agent != null) {
      agent.close();
    }
    if (server != null) {
      server.close();
    }
    logs.close();
  }

  private CentralServer startServer(int port) {
    AuthConfig auth = new AuthConfig(List.of(
        new AuthConfig.Token("rack1-hosts", Tokens.sha256Hex(agentToken), Role.AGENT, Pattern.compile(Pattern.quote(ID))),
        new AuthConfig.Token("rack9-hosts", Tokens.sha256Hex(otherRackToken), Role.AGENT, Pattern.compile("skia-e-linux-9\\d\\d")),
        new AuthConfig.Token("ops", Tokens.sha256Hex(editorToken), Role.EDITOR, null)), null, false);
    return CentralServer.start(ServerConfig.defaults().withPort(port).withDataDir(dir.resolve("db")).withAuth(auth));
  }

  private Agent startAgent(int serverPort) throws Exception {
    return startAgent(serverPort, agentToken);
  }

  /** Starts the agent with its token given as a file, as in production. */
  private Agent startAgent(int serverPort, String token) throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Files.createDirectories(dir.resolve("bin"));
    Path tokenFile = TokenFiles.write(dir.resolve("token"), token + "\n");
    AgentConfig config = Flags.parse(new String[] {
        "--server", "http://127.0.0.1:" + serverPort,
        "--machine-id", ID,
        "--port", "0",
        "--state-dir", dir.resolve("state").toString(),
        "--home", dir.toString(),
        "--gce-metadata-host", "127.0.0.1:" + closedPort,
        "--tool-timeout", "1",
        "--token-file", tokenFile.toString(),
    }, Map.of("PATH", new FakeTools(dir.resolve("bin")).path()), "e2e-1")
        .withIntervals(Duration.ofHours(1), Duration.ofHours(1));
    return Agent.start(config, () -> HARDWARE);
  }

  private boolean logged(String... parts) {
    return logs.logged(parts);
  }

  private void assertNoTokenLogged() {
    logs.assertNeverLogged(agentToken, otherRackToken, editorToken, "Bearer ");
  }

  @SuppressWarnings("unchecked")
  private Map<String, List<String>> swarmingDimensions() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.hookPort() + "/get_dimensions"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"id\": [\"bot\"], \"python\": [\"3\"]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return mapper.readValue(r.body(), Map.class);
  }

  /** The operator's toggle, which needs the editor's token. */
  private void toggleMaintenance() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + Paths.withId(Paths.TOGGLE_MODE, ID)))
        .header(AgentToken.HEADER, AgentToken.headerValue(editorToken))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }

  /** The server's answer to the operator's GET of this machine's Description. */
  private int descriptionStatus() throws Exception {
    return http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + Paths.withId(Paths.MACHINE_DESCRIPTION, ID)))
        .header(AgentToken.HEADER, AgentToken.headerValue(editorToken)).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  @Test
  void theAgentsEventBecomesTheDimensionsSwarmingIsTold() throws Exception {
    server = startServer(0);
    agent = startAgent(server.port());
    FakeCentral.await("the server's dimensions", 10, () -> ID.equals(agent.description().dimension("id")));
    Map<String, List<String>> dims = swarmingDimensions();
    assertEquals(List.of(ID), dims.get("id"));
    assertEquals(List.of("8"), dims.get("cores"));
    assertEquals(HARDWARE.cpus(), dims.get("cpu"));
    assertEquals(HARDWARE.gpus(), dims.get("gpu"));
    assertEquals(HARDWARE.osVersions(), dims.get("os"));
    assertEquals(List.of("e2e-1"), dims.get("tmm_version"));
    assertEquals(List.of("3"), dims.get("python"), "the bot's own dimensions are kept");
    assertFalse(logged("refused our credentials"), String.join("", logs.lines()));
    assertNoTokenLogged();
  }

  @Test
  void aTokenForOtherMachinesIsRefusedAndTheAgentKeepsTryingAndAnsweringSwarming() throws Exception {
    server = startServer(0);
    agent = startAgent(server.port(), otherRackToken);

    FakeCentral.await("two refused events", 10, () -> logs.lines().stream().filter(line -> line.contains(
        "Event of machine " + ID + " not delivered, retrying in ")
        && line.contains("the server refused our credentials: 403 rack9-hosts (agent) may not post events for " + ID))
        .count() >= 2);
    FakeCentral.await("the refused stream", 10, () -> logged("Description stream of machine " + ID + " lost (",
        "the server refused our credentials: 403 rack9-hosts (agent) may not follow " + ID));
    assertTrue(logged("Fetching the Description of machine " + ID + " failed: ",
        "the server refused our credentials: 403 rack9-hosts (agent) may not read " + ID), String.join("", logs.lines()));
    assertEquals(404, descriptionStatus(), "the server has not taken the event");
    assertEquals(List.of("3"), swarmingDimensions().get("python"), "Swarming is still answered");
    assertNoTokenLogged();
  }

  @Test
  void anOperatorsMaintenanceToggleReachesTheAgentWithinASecond() throws Exception {
    server = startServer(0);
    agent = startAgent(server.port());
    FakeCentral.await("the server's dimensions", 10, () -> ID.equals(agent.description().dimension("id")));

    toggleMaintenance();
    long toggled = System.nanoTime();
    FakeCentral.await("maintenance mode at the agent", 5, () -> !agent.description().maintenanceMode().isEmpty());
    long millis = (System.nanoTime() - toggled) / 1_000_000;
    assertTrue(millis < 1000, "the toggle took " + millis + " ms to reach the agent");
    assertTrue(swarmingDimensions().get("quarantined").get(0).startsWith("Maintenance: "), swarmingDimensions().toString());
  }

  @Test
  void withTheServerStoppedTheAgentAnswersFromItsSavedDescriptionAndCatchesUpLater() throws Exception {
    server = startServer(0);
    int port = server.port();
    agent = startAgent(port);
    FakeCentral.await("the server's dimensions", 10, () -> ID.equals(agent.description().dimension("id")));
    toggleMaintenance();
    FakeCentral.await("maintenance mode at the agent", 5, () -> !agent.description().maintenanceMode().isEmpty());

    server.close();
    server = null;
    agent.close();
    agent = startAgent(port); // restarted while the server is down: only the saved Description to go on
    Map<String, List<String>> dims = swarmingDimensions();
    assertEquals(List.of(ID), dims.get("id"));
    assertTrue(dims.get("quarantined").get(0).startsWith("Maintenance: "), dims.toString());

    server = startServer(port);
    toggleMaintenance();
    FakeCentral.await("the change made after the server returned", 15, () -> agent.description().maintenanceMode().isEmpty());
    FakeCentral.await("the agent's event after the server returned", 15,
        () -> !swarmingDimensions0().containsKey("quarantined"));
    assertNoTokenLogged();
  }

  private Map<String, List<String>> swarmingDimensions0() {
    try {
      return swarmingDimensions();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
