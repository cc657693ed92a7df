package io.machinestate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import io.machinestate.protocol.Json;
import io.machinestate.protocol.Paths;
import io.machinestate.server.auth.AuthConfig;
import io.machinestate.server.auth.Role;
import io.machinestate.server.auth.Tokens;
import io.machinestate.server.machine.MachineLimits;
import io.machinestate.testing.LogRecorder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an agent gone wrong, a stolen agent token or a stranger can send, over real HTTP: more
 * sensors and dimensions than any device has, machine after machine, control characters meant for
 * the log, a chunked body that does not end.
 */
class HostileClientsTest {
  static final String AGENT = Tokens.newToken();
  static final String RACK = Tokens.newToken();
  static final ObjectMapper json = Json.newMapper();

  @TempDir
  static Path dataDir;
  static CentralServer server;
  static LogRecorder logs;

  @BeforeAll
  static void start() {
    logs = LogRecorder.start();
    AuthConfig auth = new AuthConfig(List.of(
        new AuthConfig.Token("hostile", Tokens.sha256Hex(AGENT), Role.AGENT, Pattern.compile("skia-hostile-.*")),
        new AuthConfig.Token("rack2", Tokens.sha256Hex(RACK), Role.AGENT, Pattern.compile("skia-quota-.*"))),
        null, false);
    server = CentralServer.start(ServerConfig.defaults().withPort(0).withDataDir(dataDir).withAuth(auth)
        .withNewMachinesPerHour(3));
  }

  @AfterAll
  static void stop() {
    server.close();
    logs.close();
  }

  static TestHttp agent(String token) {
    return new TestHttp(server.port()).withToken(token);
  }

  static Description description(String id) throws Exception {
    TestHttp.Reply r = agent(AGENT).get(Paths.withId(Paths.MACHINE_DESCRIPTION, id));
    assertEquals(200, r.status(), r.body());
    return json.readValue(r.body(), Description.class);
  }

  static Event.Host host(String id) {
    return new Event.Host(id, "v1", Instant.parse("2026-11-27T06:00:00Z"));
  }

  @Test
  void twoThousandSensorNamesInOneEventMakeAHundred() throws Exception {
    StringBuilder thermal = new StringBuilder("Current temperatures from HAL:\n");
    IntStream.range(0, 2000).forEach(i -> thermal.append(String.format(
        "\tTemperature{mValue=30.0, mType=2, mName=sensor-%04d, mStatus=0}\n", i)));
    Event event = Event.rawState(host("skia-hostile-1")).withAndroid(new Event.Android(
        "[ro.product.device]: [sargo]\n", "  level: 94\n  scale: 100\n", thermal.toString(), Duration.ofHours(1)));
    assertEquals(200, agent(AGENT).post(Paths.MACHINE_EVENT, json.writeValueAsString(event)).status());

    Description d = description("skia-hostile-1");
    assertEquals(MachineLimits.MAX_SENSORS, d.temperature().size());
    assertTrue(d.temperature().containsKey("sensor-0000"));
    String metrics = new TestHttp(server.port()).get(Paths.METRICS).body();
    long series = metrics.lines()
        .filter(l -> l.startsWith("machine_temperature_celsius{") && l.contains("machine=\"skia-hostile-1\""))
        .count();
    assertEquals(MachineLimits.MAX_SENSORS, series);
    assertTrue(logs.logged("skia-hostile-1 is over the limits", "1900 of 2000 sensors left out"),
        String.join("", logs.lines()));
  }

  @Test
  void dimensionsBeyondTheLimitsAreLeftOut() throws Exception {
    List<String> cpus = new ArrayList<>(IntStream.range(0, 40).mapToObj(i -> "cpu-" + i).toList());
    cpus.set(0, "x".repeat(MachineLimits.MAX_VALUE_CHARS + 1));
    Event event = Event.rawState(host("skia-hostile-2"))
        .withStandalone(new Event.Standalone(8, cpus, List.of(), List.of("Linux"), false, "", false));
    assertEquals(200, agent(AGENT).post(Paths.MACHINE_EVENT, json.writeValueAsString(event)).status());

    List<String> kept = description("skia-hostile-2").dimensions().get("cpu");
    assertEquals(cpus.subList(1, 1 + MachineLimits.MAX_VALUES_PER_DIMENSION), kept);
    assertTrue(logs.logged("skia-hostile-2 is over the limits", "8 dimension values left out"),
        String.join("", logs.lines()));
  }

  @Test
  void anAgentTokenCreatesAtMostItsHourlyShareOfMachines() {
    for (int i = 1; i <= 3; i++) {
      assertEquals(200, agent(RACK).post(Paths.MACHINE_EVENT, TestEvents.android("skia-quota-" + i)).status());
    }
    TestHttp.Reply refused = agent(RACK).post(Paths.MACHINE_EVENT, TestEvents.android("skia-quota-4"));
    assertEquals(429, refused.status());
    assertTrue(refused.body().contains("token rack2 has created 3 machines in the last hour"), refused.body());
    assertEquals(429, agent(RACK).post(Paths.MACHINE_EVENT, TestEvents.android("skia-quota-5")).status());
    // the machines it has keep reporting
    assertEquals(200, agent(RACK).post(Paths.MACHINE_EVENT, TestEvents.android("skia-quota-1")).status());
    assertEquals(1, logs.count("refused new machine"));
    assertTrue(server.store().get("skia-quota-4").isEmpty());
  }

  @Test
  void aPathWithCrLfLeavesOneLogLine() throws Exception {
    String forged = "2026-11-27 06:00:00.000 UTC INFO io.machinestate.server.operator.OperatorService: alice did"
        + " delete_machine on skia-rpi-001";
    try (RawHttp stranger = new RawHttp(server.port())) {
      stranger.send("GET " + Paths.TOGGLE_MODE + "x%0D%0A" + forged.replace(" ", "%20") + " HTTP/1.1\r\n"
          + "Host: 127.0.0.1\r\n\r\n");
      assertEquals(401, stranger.status());
    }
    String all = String.join("", logs.lines());
    assertTrue(all.contains("rejected GET /_/machine/toggle_mode/x\\r\\n" + forged + " from 127.0.0.1"), all);
    assertTrue(all.lines().noneMatch(line -> line.startsWith(forged)), all);
  }

  @Test
  void anEventTypeWithControlCharactersIsLoggedEscaped() throws Exception {
    String body = json.writeValueAsString(Event.rawState(host("skia-hostile-3")))
        .replace("\"raw_state\"", "\"bogus\\nFAKE LINE\\u001b[31m\"");
    assertEquals(200, agent(AGENT).post(Paths.MACHINE_EVENT, body).status());
    assertTrue(logs.logged("ignored event of unknown type \"bogus\\nFAKE LINE\\u001b[31m\" from skia-hostile-3"),
        String.join("", logs.lines()));
  }

  @Test
  void aChunkedBodyOverOneMebibyteIs413() throws Exception {
    try (RawHttp sender = new RawHttp(server.port())) {
      sender.send("POST " + Paths.MACHINE_EVENT + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + AGENT
          + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
      byte[] chunk = new byte[64 * 1024];
      Arrays.fill(chunk, (byte) ' ');
      byte[] framed = frame(chunk);
      // 2 MiB, written aside: the server may answer and stop reading before the end
      CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> {
        try {
          for (int i = 0; i < 32; i++) {
            sender.send(framed);
          }
          sender.send("0\r\n\r\n");
        } catch (java.io.IOException e) {
          // closed once answered
        }
      });
      String head = sender.head();
      assertTrue(head.startsWith("HTTP/1.1 413"), head + sender.read(500, Duration.ofSeconds(2)));
      upload.cancel(true);
    }
  }

  static byte[] frame(byte[] chunk) {
    byte[] head = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] framed = new byte[head.length + chunk.length + 2];
    System.arraycopy(head, 0, framed, 0, head.length);
    System.arraycopy(chunk, 0, framed, head.length, chunk.length);
    framed[framed.length - 2] = '\r';
    framed[framed.length - 1] = '\n';
    return framed;
  }
}
