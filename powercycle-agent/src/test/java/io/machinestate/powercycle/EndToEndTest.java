package io.machinestate.powercycle;

import static com.pi4j.io.gpio.digital.DigitalState.HIGH;
import static com.pi4j.io.gpio.digital.DigitalState.LOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.machinestate.powercycle.config.ControllerConfig;
import io.machinestate.powercycle.config.GpioConfig;
import io.machinestate.powercycle.config.PowerCycleConfig;
import io.machinestate.powercycle.config.SynaccessConfig;
import io.machinestate.powercycle.cycle.AgentSettings;
import io.machinestate.powercycle.cycle.PowerCycleAgent;
import io.machinestate.powercycle.testing.Eventually;
import io.machinestate.powercycle.testing.MockRelays;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import io.machinestate.protocol.Json;
import io.machinestate.protocol.Paths;
import io.machinestate.protocol.PowerCycleState;
import io.machinestate.protocol.Times;
import io.machinestate.server.CentralServer;
import io.machinestate.server.ServerConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent against the real central server on its embedded database, with Pi4J's mock relays. */
class EndToEndTest {
  private static final String CHIP = "gpiochip0";
  /** Polling as in production, so that the measured latency is the push stream's. */
  private static final AgentSettings SETTINGS =
      new AgentSettings(Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(5));

  @TempDir Path dir;
  private final ObjectMapper json = Json.newMapper();
  private final OkHttpClient http = new OkHttpClient();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final MockRelays relays = closing(new MockRelays());

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : toClose.reversed()) {
      c.close();
    }
  }

  @Test
  void anOperatorsToggleCyclesTheRelayAndClearsTheRequest() throws Exception {
    CentralServer server = closing(CentralServer.start(serverConfig(0)));
    HttpUrl url = url(server);
    machineExists(url, "skia-rpi-001");
    machineExists(url, "skia-rpi-002");
    start(url, board(Duration.ofMillis(300)));
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
  }

  @Test
  void startUpAvailabilityShowsInTheDescriptions() throws Exception {
    CentralServer server = closing(CentralServer.start(serverConfig(0)));
    HttpUrl url = url(server);
    machineExists(url, "skia-rpi-001");
    machineExists(url, "skia-e-win-001");
    SynaccessConfig unreachable = new SynaccessConfig("rack3-pdu", "http://127.0.0.1:" + freePort(), "admin", "admin",
        Duration.ofMillis(300), Map.of("skia-e-win-001", 1, "skia-e-win-002", 2));

    start(url, board(Duration.ofMillis(300)), unreachable);

    Eventually.await("availability in the Descriptions", () ->
        description(url, "skia-rpi-001").powerCycleState() == PowerCycleState.AVAILABLE
            && description(url, "skia-e-win-001").powerCycleState() == PowerCycleState.IN_ERROR);
    assertEquals(404, status(url, Paths.withId(Paths.MACHINE_DESCRIPTION, "skia-rpi-002")),
        "a machine that never sent an event is not created");
  }

  @Test
  void theServerDownDuringCompletionGivesOneCycleAndALateCompletion() throws Exception {
    int port = freePort();
    CentralServer server = CentralServer.start(serverConfig(port));
    HttpUrl url = url(server);
    machineExists(url, "skia-rpi-001");
    // Off long enough for the server to be fully stopped before the relay is back on.
    start(url, board(Duration.ofSeconds(10)));
    var line17 = relays.record(CHIP, 17);
    Eventually.await("available", () -> description(url, "skia-rpi-001").powerCycleState() == PowerCycleState.AVAILABLE);

    List<String> agentLog = new CopyOnWriteArrayList<>();
    Logger agentLogger = Logger.getLogger(PowerCycleAgent.class.getName());
    Handler recorder = new Handler() {
      @Override
      public void publish(LogRecord record) {
        agentLog.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    agentLogger.addHandler(recorder);
    toClose.add(() -> agentLogger.removeHandler(recorder));

    post(url, Paths.withId(Paths.TOGGLE_POWERCYCLE, "skia-rpi-001"));
    Eventually.await("power off", () -> MockRelays.states(line17).size() == 2);
    long closing = System.nanoTime();
    server.close();
    System.out.printf("central server closed in %.1f s%n", (System.nanoTime() - closing) / 1e9);
    assertEquals(2, MockRelays.states(line17).size(), "the server went down while the power was off");
    Eventually.await("the cycle done and owed to the server", () ->
        MockRelays.states(line17).size() == 3 && journalFiles().equals(List.of("skia-rpi-001.json")));
    Eventually.await("three refused completions", () ->
        agentLog.stream().filter(m -> m.contains("completion not delivered")).count() >= 3);

    server = closing(CentralServer.start(serverConfig(port)));
    Eventually.await("the late completion", Duration.ofSeconds(30), () -> !description(url, "skia-rpi-001").powerCycle());
    Eventually.await("the journal cleared", () -> journalFiles().isEmpty());
    assertEquals(List.of(HIGH, LOW, HIGH), MockRelays.states(line17), "exactly one cycle");
  }

  private ServerConfig serverConfig(int port) {
    return ServerConfig.defaults().withPort(port).withDataDir(dir.resolve("db"));
  }

  private GpioConfig board(Duration off) {
    return new GpioConfig("rack1-relays", CHIP, false, off, Map.of("skia-rpi-001", 17, "skia-rpi-002", 27));
  }

  private void start(HttpUrl server, ControllerConfig... controllers) throws IOException {
    PowerCycleApp app = closing(new PowerCycleApp(server, dir.resolve("state"),
        new PowerCycleConfig(List.of(controllers)), chip -> relays.context(), MockRelays.PROVIDER, SETTINGS));
    app.start();
  }

  private void machineExists(HttpUrl server, String id) throws IOException {
    Event event = Event.rawState(new Event.Host(id, "test", Times.ZERO));
    Request request = new Request.Builder()
        .url(server.resolve(Paths.MACHINE_EVENT))
        .post(RequestBody.create(json.writeValueAsBytes(event), MediaType.get("application/json")))
        .build();
    try (Response response = http.newCall(request).execute()) {
      assertEquals(200, response.code(), response.body().string());
    }
  }

  private Description description(HttpUrl server, String id) {
    Request request = new Request.Builder().url(server.resolve(Paths.withId(Paths.MACHINE_DESCRIPTION, id))).build();
    try (Response response = http.newCall(request).execute()) {
      String body = response.body().string();
      assertEquals(200, response.code(), body);
      return json.readValue(body, Description.class);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private int status(HttpUrl server, String path) throws IOException {
    try (Response response = http.newCall(new Request.Builder().url(server.resolve(path)).build()).execute()) {
      return response.code();
    }
  }

  private void post(HttpUrl server, String path) throws IOException {
    Request request = new Request.Builder().url(server.resolve(path)).post(RequestBody.create(new byte[0])).build();
    try (Response response = http.newCall(request).execute()) {
      response.body().string();
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

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private <T extends AutoCloseable> T closing(T resource) {
    toClose.add(resource);
    return resource;
  }
}
