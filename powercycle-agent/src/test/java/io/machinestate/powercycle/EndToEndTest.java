package io.machinestate.powercycle;

import static com.pi4j.io.gpio.digital.DigitalState.HIGH;
import static com.pi4j.io.gpio.digital.DigitalState.LOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.machinestate.powercycle.config.ControllerConfig;
import io.machinestate.powercycle.config.GpioConfig;
import io.machinestate.powercycle.config.PowerCycleConfig;
import io.machinestate.powercycle.config.SynaccessConfig;
import io.machinestate.powercycle.cycle.AgentSettings;
import io.machinestate.powercycle.metrics.AgentMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.machinestate.powercycle.testing.Closer;
import io.machinestate.powercycle.testing.Eventually;
import io.machinestate.powercycle.testing.FakeSynaccess;
import io.machinestate.powercycle.testing.MockRelays;
import io.machinestate.powercycle.testing.Ports;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import io.machinestate.protocol.Json;
import io.machinestate.protocol.Paths;
import io.machinestate.testing.TokenFiles;
import io.machinestate.testing.LogRecorder;
import io.machinestate.protocol.PowerCycleState;
import io.machinestate.protocol.Times;
import io.machinestate.server.CentralServer;
import io.machinestate.server.ServerConfig;
import io.machinestate.server.auth.AuthConfig;
import io.machinestate.server.auth.Role;
import io.machinestate.server.auth.Tokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent against the real central server on its embedded database, with access control on, and
 * Pi4J's mock relays.
 */
class EndToEndTest {
  private static final String CHIP = "gpiochip0";
  /** The machines the power-cycle agent's token speaks for. */
  private static final Pattern OWN_MACHINES = Pattern.compile("skia-(rpi|e-win)-00[12]");
  /** Polling as in production, so that the measured latency is the push stream's. */
  private static final AgentSettings SETTINGS =
      new AgentSettings(Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(5));

  @TempDir Path dir;
  private final ObjectMapper json = Json.newMapper();
  private final OkHttpClient http = new OkHttpClient();
  private final Closer closer = new Closer();
  private final MockRelays relays = closer.add(new MockRelays());
  /** The power-cycle agent's token, the operator's and an edge agent's (which creates the machines). */
  private final String agentToken = Tokens.newToken();
  private final String editorToken = Tokens.newToken();
  private final String edgeToken = Tokens.newToken();
  /** Everything logged in this JVM while the test runs, the server's lines included. */
  private LogRecorder logs;

  @BeforeEach
  void recordLogs() {
    logs = closer.add(LogRecorder.start());
  }

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  @Test
  void anOperatorsToggleCyclesTheRelayAndClearsTheRequest() throws Exception {
    CentralServer server = closer.add(CentralServer.start(serverConfig(0, agentToken)));
    HttpUrl url = url(server);
    machineExists(url, "skia-rpi-001");
    machineExists(url, "skia-rpi-002");
    FakeSynaccess strip = closer.add(new FakeSynaccess(0));
    SynaccessConfig pdu = new SynaccessConfig("rack3-pdu", strip.address(), "admin", "admin", Duration.ofMillis(300),
        Map.of("skia-e-win-001", 1));
    Path tokenFile = TokenFiles.write(dir.resolve("token"), agentToken + "\n");
    Options.Run options = (Options.Run) Options.parse(new String[] {"--server", url.toString(), "--config", "unused.json5",
        "--state-dir", dir.resolve("state").toString(), "--token-file", tokenFile.toString()}, Map.of());
    start(options.server(), options.token(), board(Duration.ofMillis(300)), pdu);
    var line17 = relays.record(CHIP, 17);
    var line27 = relays.record(CHIP, 27);
    Eventually.await("availability in the Descriptions", () ->
        description(url, "skia-rpi-001").powerCycleState() == PowerCycleState.AVAILABLE
            && description(url, "skia-rpi-002").powerCycleState() == PowerCycleState.AVAILABLE);

    List<Double> latenciesMs = new ArrayList<>();
    for (int cycle = 1; cycle <= 5; cycle++) {
      long asked = System.nanoTime();
      post(url, Paths.withId(Paths.TOGGLE_POWERCYCLE, "skia-rpi-001"));
      int levels = 1 + 2 * cycle;
      Eventually.await("cycle " + cycle, () -> MockRelays.states(line17).size() == levels
          && !description(url, "skia-rpi-001").powerCycle());
      latenciesMs.add((MockRelays.copy(line17).get(levels - 2).nanos() - asked) / 1e6);
    }

    assertEquals(List.of(HIGH, LOW, HIGH, LOW, HIGH, LOW, HIGH, LOW, HIGH, LOW, HIGH), MockRelays.states(line17));
    assertEquals(List.of(HIGH), MockRelays.states(line27));
    assertFalse(description(url, "skia-rpi-001").powerCycle());
    System.out.println("operator request to relay off, ms: " + latenciesMs);
    assertTrue(logged("following the power-cycle request stream"), "the stream took the token");
    assertFalse(logged("refused our credentials"), String.join("", logs.lines()));
    assertEquals(List.of("/"), strip.paths(), "the strip only probed: nothing switched at start");
    assertNoTokenLogged();
  }

  @Test
  void aRefusedTokenCyclesNothingUntilTheServerAcceptsIt() throws Exception {
    int port = Ports.free();
    String wrongToken = Tokens.newToken();
    CentralServer server = CentralServer.start(serverConfig(port, agentToken));
    HttpUrl url = url(server);
    machineExists(url, "skia-rpi-001");
    start(url, Optional.of(wrongToken), board(Duration.ofMillis(300)));
    var line17 = relays.record(CHIP, 17);
    Eventually.await("the refusal logged", () ->
        logged("cannot list power-cycle requests: listing power-cycle requests: the server refused our credentials: "
            + "401 missing or invalid credentials")
        && logged("lost the power-cycle request stream (the server refused our credentials: 401 missing or invalid")
        && logged("cannot report power-cycle states", "the server refused our credentials: 401"));

    post(url, Paths.withId(Paths.TOGGLE_POWERCYCLE, "skia-rpi-001"));
    // The stream is followed anew after each refusal; the second refusal after the request was
    // asked for after it, so an accepted token would have seen the request by then.
    long refusedBefore = streamRefusals();
    Eventually.await("two more refusals", Duration.ofSeconds(20), () -> streamRefusals() >= refusedBefore + 2);
    assertEquals(List.of(HIGH), MockRelays.states(line17), "nothing cycled");
    assertTrue(description(url, "skia-rpi-001").powerCycle());

    // The operator adds the agent's token to the server's configuration; the agent kept trying.
    server.close();
    server = closer.add(CentralServer.start(serverConfig(port, wrongToken)));
    Eventually.await("the cycle", () -> MockRelays.states(line17).size() == 3 && !description(url, "skia-rpi-001").powerCycle());
    Eventually.await("availability", () -> description(url, "skia-rpi-001").powerCycleState() == PowerCycleState.AVAILABLE);
    assertEquals(List.of(HIGH, LOW, HIGH), MockRelays.states(line17));
    assertNoTokenLogged(wrongToken);
  }

  @Test
  void aMachineOutsideTheTokensPatternDoesNotStopTheOthers() throws Exception {
    CentralServer server = closer.add(CentralServer.start(serverConfig(0, agentToken)));
    HttpUrl url = url(server);
    for (String id : List.of("skia-rpi-001", "skia-rpi-002", "skia-rpi-003")) {
      machineExists(url, id);
    }
    GpioConfig board = new GpioConfig("rack1-relays", CHIP, false, Duration.ofMillis(300),
        Map.of("skia-rpi-001", 17, "skia-rpi-002", 27, "skia-rpi-003", 22));
    start(url, Optional.of(agentToken), board);
    var line17 = relays.record(CHIP, 17);
    var line22 = relays.record(CHIP, 22);

    Eventually.await("the others available", () ->
        description(url, "skia-rpi-001").powerCycleState() == PowerCycleState.AVAILABLE
            && description(url, "skia-rpi-002").powerCycleState() == PowerCycleState.AVAILABLE);
    Eventually.await("the refusal logged", () -> logged("cannot report power-cycle states {skia-rpi-003=",
        "the server refused our credentials: 403 rack1-relays (powercycle) may not report the power-cycle state of "
            + "skia-rpi-003"));
    assertNotEquals(PowerCycleState.AVAILABLE, description(url, "skia-rpi-003").powerCycleState());

    // Its relay is ours, so an operator's request is carried out; the server keeps refusing the completion.
    post(url, Paths.withId(Paths.TOGGLE_POWERCYCLE, "skia-rpi-003"));
    Eventually.await("the completion refused", () -> logged("skia-rpi-003: completion not delivered",
        "the server refused our credentials: 403 rack1-relays (powercycle) may not complete power cycles of skia-rpi-003"));
    post(url, Paths.withId(Paths.TOGGLE_POWERCYCLE, "skia-rpi-001"));
    Eventually.await("the other machine served", () ->
        MockRelays.states(line17).size() == 3 && !description(url, "skia-rpi-001").powerCycle());

    assertEquals(List.of(HIGH, LOW, HIGH), MockRelays.states(line17));
    assertEquals(List.of(HIGH, LOW, HIGH), MockRelays.states(line22), "one cycle while its completion is pending");
    assertTrue(description(url, "skia-rpi-003").powerCycle(), "the server did not take the completion");
    assertNoTokenLogged();
  }

  @Test
  void startUpAvailabilityShowsInTheDescriptions() throws Exception {
    CentralServer server = closer.add(CentralServer.start(serverConfig(0, agentToken)));
    HttpUrl url = url(server);
    machineExists(url, "skia-rpi-001");
    machineExists(url, "skia-e-win-001");
    SynaccessConfig unreachable = new SynaccessConfig("rack3-pdu", "http://127.0.0.1:" + Ports.free(), "admin", "admin",
        Duration.ofMillis(300), Map.of("skia-e-win-001", 1, "skia-e-win-002", 2));

    start(url, Optional.of(agentToken), board(Duration.ofMillis(300)), unreachable);

    Eventually.await("availability in the Descriptions", () ->
        description(url, "skia-rpi-001").powerCycleState() == PowerCycleState.AVAILABLE
            && description(url, "skia-e-win-001").powerCycleState() == PowerCycleState.IN_ERROR);
    assertEquals(404, status(url, Paths.withId(Paths.MACHINE_DESCRIPTION, "skia-rpi-002")),
        "a machine that never sent an event is not created");
  }

  @Test
  void theServerDownDuringCompletionGivesOneCycleAndALateCompletion() throws Exception {
    int port = Ports.free();
    CentralServer server = CentralServer.start(serverConfig(port, agentToken));
    HttpUrl url = url(server);
    machineExists(url, "skia-rpi-001");
    // Off long enough for the server to be fully stopped before the relay is back on.
    start(url, Optional.of(agentToken), board(Duration.ofSeconds(10)));
    var line17 = relays.record(CHIP, 17);
    Eventually.await("available", () -> description(url, "skia-rpi-001").powerCycleState() == PowerCycleState.AVAILABLE);

    post(url, Paths.withId(Paths.TOGGLE_POWERCYCLE, "skia-rpi-001"));
    Eventually.await("power off", () -> MockRelays.states(line17).size() == 2);
    long closing = System.nanoTime();
    server.close();
    System.out.printf("central server closed in %.1f s%n", (System.nanoTime() - closing) / 1e9);
    assertEquals(2, MockRelays.states(line17).size(), "the server went down while the power was off");
    Eventually.await("the cycle done and owed to the server", () ->
        MockRelays.states(line17).size() == 3 && journalFiles().equals(List.of("skia-rpi-001.json")));
    Eventually.await("three refused completions", () ->
        logs.lines().stream().filter(m -> m.contains("completion not delivered")).count() >= 3);

    server = closer.add(CentralServer.start(serverConfig(port, agentToken)));
    Eventually.await("the late completion", Duration.ofSeconds(30), () -> !description(url, "skia-rpi-001").powerCycle());
    Eventually.await("the journal cleared", () -> journalFiles().isEmpty());
    assertEquals(List.of(HIGH, LOW, HIGH), MockRelays.states(line17), "exactly one cycle");
  }

  /** Access control on: the power-cycle agent's token, an operator's and an edge agent's. */
  private ServerConfig serverConfig(int port, String powercycleToken) {
    AuthConfig auth = new AuthConfig(List.of(
        new AuthConfig.Token("rack1-relays", Tokens.sha256Hex(powercycleToken), Role.POWERCYCLE, OWN_MACHINES),
        new AuthConfig.Token("ops", Tokens.sha256Hex(editorToken), Role.EDITOR, null),
        new AuthConfig.Token("edge-agents", Tokens.sha256Hex(edgeToken), Role.AGENT, Pattern.compile(".*"))),
        null, false);
    return ServerConfig.defaults().withPort(port).withDataDir(dir.resolve("db")).withAuth(auth);
  }

  private boolean logged(String... texts) {
    return logs.logged(texts);
  }

  private long streamRefusals() {
    return logs.count("lost the power-cycle request stream (the server refused");
  }

  private void assertNoTokenLogged(String... moreTokens) {
    logs.assertNeverLogged(Stream.of(Stream.of(agentToken, editorToken, edgeToken, "Bearer "), Stream.of(moreTokens))
        .flatMap(t -> t).toArray(String[]::new));
  }

  private GpioConfig board(Duration off) {
    return new GpioConfig("rack1-relays", CHIP, false, off, Map.of("skia-rpi-001", 17, "skia-rpi-002", 27));
  }

  private void start(HttpUrl server, Optional<String> token, ControllerConfig... controllers) throws IOException {
    PowerCycleApp app = closer.add(new PowerCycleApp(server, token, Optional.empty(), dir.resolve("state"),
        new PowerCycleConfig(List.of(controllers)), chip -> relays.context(), MockRelays.PROVIDER, dir.resolve("home"),
        new AgentMetrics(new SimpleMeterRegistry()), SETTINGS));
    app.start();
  }

  private void machineExists(HttpUrl server, String id) throws IOException {
    Event event = Event.rawState(new Event.Host(id, "test", Times.ZERO));
    Request request = new Request.Builder()
        .url(server.resolve(Paths.MACHINE_EVENT))
        .header("Authorization", "Bearer " + edgeToken)
        .post(RequestBody.create(json.writeValueAsBytes(event), MediaType.get("application/json")))
        .build();
    try (Response response = http.newCall(request).execute()) {
      assertEquals(200, response.code(), response.body().string());
    }
  }

  private Description description(HttpUrl server, String id) {
    Request request = new Request.Builder().url(server.resolve(Paths.withId(Paths.MACHINE_DESCRIPTION, id)))
        .header("Authorization", "Bearer " + editorToken)
        .build();
    try (Response response = http.newCall(request).execute()) {
      String body = response.body().string();
      assertEquals(200, response.code(), body);
      return json.readValue(body, Description.class);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private int status(HttpUrl server, String path) throws IOException {
    Request request = new Request.Builder().url(server.resolve(path)).header("Authorization", "Bearer " + editorToken).build();
    try (Response response = http.newCall(request).execute()) {
      return response.code();
    }
  }

  private void post(HttpUrl server, String path) throws IOException {
    Request request = new Request.Builder().url(server.resolve(path))
        .header("Authorization", "Bearer " + editorToken)
        .post(RequestBody.create(new byte[0]))
        .build();
    try (Response response = http.newCall(request).execute()) {
      assertEquals(200, response.code(), response.body().string());
    }
  }

  private static HttpUrl url(CentralServer server) {
    return HttpUrl.get("http://127.0.0.1:" + server.port() + "/");
  }

  private List<String> journalFiles() {
    try (Stream<Path> files = Files.list(dir.resolve("state").resolve("pending-completions"))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
