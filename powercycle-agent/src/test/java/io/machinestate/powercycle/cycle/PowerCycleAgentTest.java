package io.machinestate.powercycle.cycle;

import static com.pi4j.io.gpio.digital.DigitalState.HIGH;
import static com.pi4j.io.gpio.digital.DigitalState.LOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.powercycle.PowerCycleApp;
import io.machinestate.powercycle.config.ControllerConfig;
import io.machinestate.powercycle.config.GpioConfig;
import io.machinestate.powercycle.config.PowerCycleConfig;
import io.machinestate.powercycle.config.SynaccessConfig;
import io.machinestate.powercycle.testing.Closer;
import io.machinestate.powercycle.testing.Eventually;
import io.machinestate.powercycle.testing.FakeCentralServer;
import io.machinestate.powercycle.testing.FakeSynaccess;
import io.machinestate.powercycle.testing.MockRelays;
import io.machinestate.powercycle.metrics.AgentMetrics;
import io.machinestate.powercycle.testing.Ports;
import io.machinestate.protocol.Json;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.machinestate.protocol.PowerCycleState;
import io.machinestate.protocol.Requests.PowerCycleStateForMachine;
import io.machinestate.protocol.ServerTls;
import io.machinestate.testing.TestCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The whole agent against a fake central server, with Pi4J's mock relays and a fake Synaccess strip. */
class PowerCycleAgentTest {
  private static final String CHIP = "gpiochip0";
  private static final Duration OFF = Duration.ofMillis(300);
  /** Polls often, so that lists fetched before a completion keep arriving after it. */
  private static final AgentSettings FAST = new AgentSettings(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofSeconds(5));

  @TempDir Path stateDir;
  private final Closer closer = new Closer();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private MockRelays relays = closer.add(new MockRelays());

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  @ParameterizedTest(name = "server with push stream: {0}")
  @ValueSource(booleans = {true, false})
  void cyclesARequestedMachineOnceAndCompletes(boolean withStream) throws Exception {
    FakeCentralServer server = closer.add(new FakeCentralServer(withStream));
    PowerCycleApp app = start(server, board(false, OFF));
    var line17 = relays.record(CHIP, 17);
    var line27 = relays.record(CHIP, 27);
    Eventually.await("the start-up report", () -> states(server).size() == 2);
    assertEquals(Map.of("skia-rpi-001", PowerCycleState.AVAILABLE, "skia-rpi-002", PowerCycleState.AVAILABLE), states(server));

    long asked = System.nanoTime();
    server.request("someone-elses-machine");
    server.request("skia-rpi-001");

    Eventually.await("the completion", () -> server.completions().equals(List.of("skia-rpi-001")));
    awaitPolls(server, 5);
    var levels = MockRelays.copy(line17);
    assertEquals(List.of(HIGH, LOW, HIGH), MockRelays.states(line17), "exactly one cycle");
    assertEquals(List.of(HIGH), MockRelays.states(line27));
    assertTrue(levels.get(2).nanos() - levels.get(1).nanos() >= OFF.toNanos(), "off for the configured time");
    assertEquals(List.of("skia-rpi-001"), server.completions());
    String metrics = registry.scrape();
    assertTrue(metrics.contains("powercycle_cycles_total{controller=\"gpio rack1-relays\",outcome=\"done\"} 1.0"), metrics);
    assertTrue(metrics.contains("powercycle_controller_reachable{controller=\"gpio rack1-relays\"} 1.0"), metrics);
    assertTrue(metrics.contains("powercycle_switch_seconds_count{action=\"off\",controller=\"gpio rack1-relays\"} 1"), metrics);
    System.out.printf("request to relay off (stream=%s): %.1f ms%n", withStream, (levels.get(1).nanos() - asked) / 1e6);
    app.close();
  }

  @Test
  void overHttpsWithAPrivateCaTheTokenReachesTheListAndThePushStream(@TempDir Path caDir) throws Exception {
    TestCa ca = TestCa.create(caDir);
    FakeCentralServer server = closer.add(new FakeCentralServer(true, ca));
    start(server, Optional.of("agent-token"), ServerTls.load(ca.caPem(), server.url()), board(false, OFF));

    server.request("skia-rpi-001");

    Eventually.await("the completion", () -> server.completions().equals(List.of("skia-rpi-001")));
    assertEquals("Bearer agent-token", server.streamAuthorizations().getFirst());
  }

  @Test
  void aMachineRequestedAgainIsCycledAgain() throws Exception {
    FakeCentralServer server = closer.add(new FakeCentralServer(true));
    start(server, board(true, OFF));
    var line27 = relays.record(CHIP, 27);

    server.request("skia-rpi-002");
    Eventually.await("the first completion", () -> server.completions().size() == 1);
    awaitPolls(server, 3);
    server.request("skia-rpi-002");
    Eventually.await("the second completion", () -> server.completions().size() == 2);

    assertEquals(List.of(LOW, HIGH, LOW, HIGH, LOW), MockRelays.states(line27), "active-low board, two cycles");
  }

  @Test
  void reportsAvailabilityAndRecoversAControllerInError() throws Exception {
    int port = Ports.free();
    FakeCentralServer server = closer.add(new FakeCentralServer(true));
    SynaccessConfig pdu = new SynaccessConfig("rack3-pdu", "http://127.0.0.1:" + port, "admin", "admin", OFF,
        Map.of("skia-e-win-001", 1));
    start(server, board(false, OFF), pdu);

    Eventually.await("the start-up report", () -> states(server).size() == 3);
    assertEquals(Map.of(
        "skia-rpi-001", PowerCycleState.AVAILABLE,
        "skia-rpi-002", PowerCycleState.AVAILABLE,
        "skia-e-win-001", PowerCycleState.IN_ERROR), states(server));

    assertTrue(registry.scrape().contains("powercycle_controller_reachable{controller=\"synaccess rack3-pdu\"} 0.0"));

    FakeSynaccess strip = closer.add(new FakeSynaccess(port));
    Eventually.await("the recovery report", () -> states(server).get("skia-e-win-001") == PowerCycleState.AVAILABLE);
    assertEquals(List.of(), strip.queries(), "recovered by reading only");
    assertTrue(strip.paths().contains("/"));
  }

  /** A strip may feed the router and the jump host too: a start touches no outlet without a reason. */
  @Test
  void aStartWithNoJournalSwitchesNothing() throws Exception {
    FakeSynaccess strip = closer.add(new FakeSynaccess(0));
    FakeCentralServer server = closer.add(new FakeCentralServer(true));
    start(server, new SynaccessConfig("PDU1", strip.address(), "admin", "admin", OFF,
        Map.of("router", 1, "jumphost", 4, "skia-e-win-601", 6)));

    Eventually.await("the start-up report", () -> states(server).size() == 3);
    awaitPolls(server, 3);
    assertEquals(Map.of("router", PowerCycleState.AVAILABLE, "jumphost", PowerCycleState.AVAILABLE,
        "skia-e-win-601", PowerCycleState.AVAILABLE), states(server));
    assertEquals(List.of(), strip.queries(), "no outlet switched");
    assertEquals(List.of("/"), strip.paths(), "one read");
  }

  @Test
  void aStartAfterACrashSwitchesBackOnTheOutletLeftOffBeforeTalkingToTheServer() throws Exception {
    FakeSynaccess strip = closer.add(new FakeSynaccess(0));
    FakeCentralServer server = closer.add(new FakeCentralServer(true));
    new PoweredOffJournal(stateDir, Json.newMapper()).markOff("skia-e-win-601"); // as a crash mid-cycle leaves it
    start(server, new SynaccessConfig("PDU1", strip.address(), "admin", "admin", OFF,
        Map.of("router", 1, "jumphost", 4, "skia-e-win-601", 6)));

    Eventually.await("the start-up report", () -> states(server).size() == 3);
    awaitPolls(server, 3);
    assertEquals(List.of("$A3 6 1"), strip.queries());
    long firstServerContact = server.requestNanos().stream().min(Long::compare).orElseThrow();
    assertTrue(strip.commands().get(0).nanos() < firstServerContact, "restored before the server was contacted");
    assertEquals(Set.of(), new PoweredOffJournal(stateDir, Json.newMapper()).off(), "the note is gone");
  }

  @Test
  void aFailedCycleReportsTheControllerAndIsRetriedWhenItRecovers() throws Exception {
    FakeSynaccess strip = closer.add(new FakeSynaccess(0));
    FakeCentralServer server = closer.add(new FakeCentralServer(true));
    start(server, new SynaccessConfig("rack3-pdu", strip.address(), "admin", "admin", OFF, Map.of("skia-e-win-001", 4)));
    Eventually.await("available", () -> states(server).get("skia-e-win-001") == PowerCycleState.AVAILABLE);

    strip.answer(500);
    server.request("skia-e-win-001");
    Eventually.await("in error", () -> states(server).get("skia-e-win-001") == PowerCycleState.IN_ERROR);
    assertEquals(List.of(), server.completions());

    strip.answer(200);
    Eventually.await("the completion after recovery", () -> server.completions().equals(List.of("skia-e-win-001")));
    assertEquals(PowerCycleState.AVAILABLE, states(server).get("skia-e-win-001"));
    List<String> queries = strip.queries();
    assertEquals(List.of("$A3 4 0", "$A3 4 1"), queries.subList(queries.size() - 2, queries.size()));
  }

  @Test
  void completesExactlyOnceWhileTheServerRefusesCompletions() throws Exception {
    FakeCentralServer server = closer.add(new FakeCentralServer(true));
    server.failCompletions(5);
    start(server, board(false, OFF));
    var line17 = relays.record(CHIP, 17);

    server.request("skia-rpi-001");

    Eventually.await("the completion", () -> server.completions().equals(List.of("skia-rpi-001")));
    awaitPolls(server, 5);
    assertEquals(List.of(HIGH, LOW, HIGH), MockRelays.states(line17));
    assertEquals(List.of(), journalFiles(), "nothing left owed");
  }

  @Test
  void listsAnsweredAfterTheCompletionDoNotCycleAgain() throws Exception {
    FakeCentralServer server = closer.add(new FakeCentralServer(true));
    server.delayLists(Duration.ofMillis(200)); // every poll answer is stale when it arrives
    start(server, board(false, OFF));
    var line17 = relays.record(CHIP, 17);

    server.request("skia-rpi-001");

    Eventually.await("the completion", () -> server.completions().equals(List.of("skia-rpi-001")));
    awaitPolls(server, 3);
    assertEquals(List.of(HIGH, LOW, HIGH), MockRelays.states(line17));
  }

  @Test
  void aRestartedAgentDeliversTheCompletionWithoutCyclingAgain() throws Exception {
    FakeCentralServer server = closer.add(new FakeCentralServer(true));
    server.failCompletions(Integer.MAX_VALUE);
    PowerCycleApp first = start(server, board(false, OFF));
    var firstLine17 = relays.record(CHIP, 17);
    server.request("skia-rpi-001");
    Eventually.await("the cycle recorded", () -> journalFiles().equals(List.of("skia-rpi-001.json")));
    Eventually.await("power back on", () -> MockRelays.states(firstLine17).size() == 3);
    first.close();

    server.failCompletions(0);
    relays = closer.add(new MockRelays()); // a new process gets a fresh view of the lines
    start(server, board(false, OFF));
    var secondLine17 = relays.record(CHIP, 17);

    Eventually.await("the completion", () -> server.completions().equals(List.of("skia-rpi-001")));
    awaitPolls(server, 5);
    assertEquals(List.of(HIGH, LOW, HIGH), MockRelays.states(firstLine17));
    assertEquals(List.of(HIGH), MockRelays.states(secondLine17), "not cycled again");
    assertEquals(List.of(), journalFiles());
  }

  /** SIGTERM is modelled by invoking the shutdown hook's action in-process. */
  @Test
  void shutdownDuringACyclePowersTheMachineBackOn() throws Exception {
    FakeCentralServer server = closer.add(new FakeCentralServer(true));
    PowerCycleApp app = start(server, board(false, Duration.ofMinutes(10)));
    var line17 = relays.record(CHIP, 17);
    server.request("skia-rpi-001");
    Eventually.await("power off", () -> MockRelays.states(line17).size() == 2);

    app.close();

    assertEquals(List.of(HIGH, LOW, HIGH), MockRelays.states(line17), "powered on before close returned");
    assertEquals(List.of(), server.completions(), "an interrupted cycle is not a completed one");
    assertEquals(List.of(), journalFiles());
    assertTrue(server.isRequested("skia-rpi-001"), "the request stays open for the next run");
  }

  private GpioConfig board(boolean activeLow, Duration off) {
    return new GpioConfig("rack1-relays", CHIP, activeLow, off, Map.of("skia-rpi-001", 17, "skia-rpi-002", 27));
  }

  private PowerCycleApp start(FakeCentralServer server, ControllerConfig... controllers) throws IOException {
    return start(server, Optional.empty(), Optional.empty(), controllers);
  }

  private PowerCycleApp start(FakeCentralServer server, Optional<String> token, Optional<ServerTls> tls,
      ControllerConfig... controllers) throws IOException {
    PowerCycleApp app = closer.add(new PowerCycleApp(server.url(), token, tls, stateDir, new PowerCycleConfig(List.of(controllers)),
        chip -> relays.context(), MockRelays.PROVIDER, stateDir.resolve("home"), new AgentMetrics(registry), FAST));
    app.start();
    return app;
  }

  /** The power-cycle state of each machine on the server, after all updates so far. */
  private static Map<String, PowerCycleState> states(FakeCentralServer server) {
    Map<String, PowerCycleState> states = new HashMap<>();
    server.stateUpdates().forEach(u -> u.machines().forEach(
        (PowerCycleStateForMachine m) -> states.put(m.machineID(), m.powerCycleState())));
    return states;
  }

  /** Lets the agent see {@code n} more lists, so that a second cycle would have had its chance. */
  private static void awaitPolls(FakeCentralServer server, int n) {
    int target = server.listCalls() + n;
    Eventually.await(n + " more polls", () -> server.listCalls() >= target);
  }

  private List<String> journalFiles() {
    try (Stream<Path> files = Files.list(stateDir.resolve("pending-completions"))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
