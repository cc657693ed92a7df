package io.machinestate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.machinestate.protocol.AttachedDevice;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import io.machinestate.protocol.Json;
import io.machinestate.protocol.Paths;
import io.machinestate.protocol.PowerCycleState;
import io.machinestate.protocol.Times;
import io.machinestate.server.TestHttp.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint of SPEC §3 over real HTTP, with each bad input, on the embedded database. */
class ApiTest {
  @TempDir
  static Path dataDir;
  static CentralServer server;
  static TestHttp http;
  static final ObjectMapper json = Json.newMapper();

  @BeforeAll
  static void start() {
    server = CentralServer.start(ServerConfig.defaults().withPort(0).withDataDir(dataDir)
        .withPools(List.of(new ServerConfig.Pool("Skia", "^skia-"))));
    http = new TestHttp(server.port());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Description description(String id) throws Exception {
    Reply r = http.get(Paths.withId(Paths.MACHINE_DESCRIPTION, id));
    assertEquals(200, r.status(), r.body());
    return json.readValue(r.body(), Description.class);
  }

  @Test
  void eventBecomesDescription() throws Exception {
    assertEquals(200, http.post(Paths.MACHINE_EVENT, TestEvents.android("skia-rpi-001")).status());
    Description d = description("skia-rpi-001");
    assertEquals(List.of("sargo"), d.dimensions().get("device_type"));
    assertEquals(List.of("Android"), d.dimensions().get("os"));
    assertEquals(List.of("Skia"), d.dimensions().get("pool"));
    assertEquals(94, d.battery());
    assertEquals(3600, d.deviceUptime());
    assertEquals("v1.2", d.version());
    // the Go agents post without the trailing slash too
    assertEquals(200, http.post("/json/v1/machine/event", TestEvents.android("skia-rpi-001")).status());
  }

  @Test
  void badEventsAreRefusedAndCreateNothing() throws Exception {
    Reply malformed = http.post(Paths.MACHINE_EVENT, "{\"type\": \"raw_state\", \"host\": ");
    assertEquals(400, malformed.status());
    assertTrue(malformed.body().contains("invalid Event JSON"), malformed.body());

    assertEquals(400, http.post(Paths.MACHINE_EVENT, "").status());
    assertEquals(400, http.post(Paths.MACHINE_EVENT, "null").status());
    assertEquals(400, http.post(Paths.MACHINE_EVENT, "[1,2]").status());
    assertEquals(400, http.post(Paths.MACHINE_EVENT, "{\"type\":\"raw_state\",\"host\":{\"name\":\"\"}}").status());
    assertEquals(400, http.post(Paths.MACHINE_EVENT, "{\"type\":\"raw_state\",\"host\":{\"name\":\"a/b\"}}").status());
    assertEquals(400, http.post(Paths.MACHINE_EVENT,
        "{\"type\":\"raw_state\",\"host\":{\"name\":\"" + "x".repeat(257) + "\"}}").status());
    assertEquals(400, http.post(Paths.MACHINE_EVENT,
        "{\"type\":\"raw_state\",\"host\":{\"name\":\"skia-bad\"},\"android\":{\"uptime\":\"1h\"}}").status());

    byte[] huge = ("{\"type\":\"raw_state\",\"host\":{\"name\":\"skia-huge\"},\"android\":{\"getprop\":\""
        + "x".repeat(2 << 20) + "\"}}").getBytes();
    assertEquals(413, http.post(Paths.MACHINE_EVENT, huge).status());

    assertEquals(404, http.get(Paths.withId(Paths.MACHINE_DESCRIPTION, "skia-bad")).status());
    assertEquals(404, http.get(Paths.withId(Paths.MACHINE_DESCRIPTION, "skia-huge")).status());
  }

  @Test
  void unknownEventTypeIsCountedAndIgnored() {
    assertEquals(200, http.post(Paths.MACHINE_EVENT, "{\"type\":\"reboot\",\"host\":{\"name\":\"skia-other\"}}").status());
    assertEquals(404, http.get(Paths.withId(Paths.MACHINE_DESCRIPTION, "skia-other")).status());
    assertTrue(http.get(Paths.METRICS).body().contains("machineserver_events_unknown_type_total 1.0"));
  }

  @Test
  void unknownMachineIs404ForEveryOperatorAction() {
    for (String path : List.of(Paths.TOGGLE_MODE, Paths.TOGGLE_POWERCYCLE, Paths.REMOVE_DEVICE,
        Paths.DELETE_MACHINE, Paths.CLEAR_QUARANTINED, Paths.POWERCYCLE_COMPLETE)) {
      Reply r = http.post(path + "skia-nobody");
      assertEquals(404, r.status(), path);
      assertEquals("unknown machine \"skia-nobody\"", r.body());
    }
    assertEquals(404, http.post(Paths.SET_NOTE + "skia-nobody", "{\"Message\":\"hi\"}").status());
    assertEquals(404, http.post(Paths.SET_ATTACHED_DEVICE + "skia-nobody", "{\"AttachedDevice\":\"adb\"}").status());
    assertEquals(404, http.post(Paths.SUPPLY_CHROMEOS + "skia-nobody",
        "{\"SSHUserIP\":\"root@h\",\"SuppliedDimensions\":{\"gpu\":[\"x\"]}}").status());
  }

  @Test
  void maintenanceToggle() throws Exception {
    http.post(Paths.MACHINE_EVENT, TestEvents.android("skia-maint"));
    Reply on = http.post(Paths.TOGGLE_MODE + "skia-maint");
    assertEquals(200, on.status());
    Description d = json.readValue(on.body(), Description.class);
    assertTrue(d.maintenanceMode().startsWith("anonymous 20"), d.maintenanceMode());
    Times.parse(d.maintenanceMode().substring("anonymous ".length()));
    assertEquals("Enabled Maintenance Mode", d.annotation().message());
    assertEquals(List.of("Maintenance: " + d.maintenanceMode()), d.dimensions().get("quarantined"));

    d = json.readValue(http.post(Paths.TOGGLE_MODE + "skia-maint").body(), Description.class);
    assertEquals("", d.maintenanceMode());
    assertEquals("Cleared Maintenance Mode.", d.annotation().message());
    assertFalse(d.dimensions().containsKey("quarantined"));
  }

  @Test
  void powerCycleFlow() throws Exception {
    http.post(Paths.MACHINE_EVENT, TestEvents.android("skia-pc"));
    assertEquals(200, http.post(Paths.TOGGLE_POWERCYCLE + "skia-pc").status());
    Description d = description("skia-pc");
    assertTrue(d.powerCycle());
    assertEquals("Requested powercycle for \"skia-pc\"", d.annotation().message());
    assertTrue(list().contains("skia-pc"));

    assertEquals(200, http.post(Paths.withId(Paths.POWERCYCLE_COMPLETE, "skia-pc")).status());
    assertFalse(description("skia-pc").powerCycle());
    assertFalse(list().contains("skia-pc"));
  }

  @Test
  void powerCycleListIsAnEmptyArrayNotNull() {
    Reply r = http.get(Paths.POWERCYCLE_LIST);
    assertEquals(200, r.status());
    assertTrue(r.body().startsWith("["), r.body());
  }

  @Test
  void powerCycleStateUpdateSkipsUnknownMachinesAndRefusesBadStates() throws Exception {
    http.post(Paths.MACHINE_EVENT, TestEvents.android("skia-pcs"));
    Reply ok = http.post(Paths.POWERCYCLE_STATE_UPDATE, """
        {"Machines": [{"MachineID": "skia-pcs", "PowerCycleState": "available"},
                      {"MachineID": "skia-not-here", "PowerCycleState": "in_error"}]}""");
    assertEquals(200, ok.status());
    assertEquals(PowerCycleState.AVAILABLE, description("skia-pcs").powerCycleState());
    assertEquals(404, http.get(Paths.withId(Paths.MACHINE_DESCRIPTION, "skia-not-here")).status());

    Reply bad = http.post(Paths.POWERCYCLE_STATE_UPDATE, """
        {"Machines": [{"MachineID": "skia-pcs", "PowerCycleState": "in_error"},
                      {"MachineID": "skia-pcs", "PowerCycleState": "on_fire"}]}""");
    assertEquals(400, bad.status());
    assertTrue(bad.body().contains("on_fire"), bad.body());
    assertEquals(PowerCycleState.AVAILABLE, description("skia-pcs").powerCycleState(), "nothing half-written");
  }

  @Test
  void attachedDeviceNoteQuarantineRemoveAndDelete() throws Exception {
    http.post(Paths.MACHINE_EVENT, TestEvents.android("skia-ops"));

    assertEquals(200, http.post(Paths.SET_ATTACHED_DEVICE + "skia-ops", "{\"AttachedDevice\":\"ios\"}").status());
    assertEquals(AttachedDevice.IOS, description("skia-ops").attachedDevice());
    Reply badEnum = http.post(Paths.SET_ATTACHED_DEVICE + "skia-ops", "{\"AttachedDevice\":\"floppy\"}");
    assertEquals(400, badEnum.status());
    assertTrue(badEnum.body().contains("floppy"), badEnum.body());
    assertEquals(400, http.post(Paths.SET_ATTACHED_DEVICE + "skia-ops", "{\"AttachedDevice\":").status());
    assertEquals(AttachedDevice.IOS, description("skia-ops").attachedDevice());

    assertEquals(200, http.post(Paths.SET_NOTE + "skia-ops", "{\"Message\":\"USB hub flaky\"}").status());
    Description d = description("skia-ops");
    assertEquals("USB hub flaky", d.note().message());
    assertEquals("anonymous", d.note().user());
    assertEquals(400, http.post(Paths.SET_NOTE + "skia-ops", "not json").status());

    http.post(Paths.MACHINE_EVENT, "{\"type\":\"raw_state\",\"forced_quarantine\":true,\"host\":{\"name\":\"skia-ops\"}}");
    assertTrue(description("skia-ops").isQuarantined());
    assertEquals(200, http.post(Paths.CLEAR_QUARANTINED + "skia-ops").status());
    assertFalse(description("skia-ops").isQuarantined());

    assertEquals(200, http.post(Paths.REMOVE_DEVICE + "skia-ops").status());
    d = description("skia-ops");
    assertEquals("Requested device removal of \"skia-ops\"", d.annotation().message());
    assertEquals(null, d.temperature());
    assertFalse(d.dimensions().containsKey("device_type"));

    assertEquals(200, http.post(Paths.DELETE_MACHINE + "skia-ops").status());
    assertEquals(404, http.get(Paths.withId(Paths.MACHINE_DESCRIPTION, "skia-ops")).status());
    assertEquals(404, http.post(Paths.DELETE_MACHINE + "skia-ops").status());
  }

  @Test
  void supplyChromeOS() throws Exception {
    http.post(Paths.MACHINE_EVENT, TestEvents.android("skia-cros"));
    assertEquals(400, http.post(Paths.SUPPLY_CHROMEOS + "skia-cros", "{\"SSHUserIP\":\"root@h\"}").status());
    assertEquals(400, http.post(Paths.SUPPLY_CHROMEOS + "skia-cros", "{\"SuppliedDimensions\":{\"gpu\":[\"x\"]}}").status());
    // as the Go server: empty SuppliedDimensions are missing fields
    Reply empty = http.post(Paths.SUPPLY_CHROMEOS + "skia-cros", "{\"SSHUserIP\":\"root@h\",\"SuppliedDimensions\":{}}");
    assertEquals(400, empty.status());
    assertTrue(empty.body().startsWith("Missing fields"), empty.body());
    Reply badIp = http.post(Paths.SUPPLY_CHROMEOS + "skia-cros",
        "{\"SSHUserIP\":\"root@h; reboot\",\"SuppliedDimensions\":{\"gpu\":[\"x\"]}}");
    assertEquals(400, badIp.status());
    assertTrue(badIp.body().contains("SSHUserIP"), badIp.body());

    Instant asked = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    assertEquals(200, http.post(Paths.SUPPLY_CHROMEOS + "skia-cros",
        "{\"SSHUserIP\":\"root@skia-sparky360-03\",\"SuppliedDimensions\":{\"gpu\":[\"MaliG52\"],\"cpu\":[]}}").status());
    Description d = description("skia-cros");
    assertEquals("root@skia-sparky360-03", d.sshUserIP());
    // a dimension without values is not kept, as the Go store dropped it
    assertEquals(Map.of("gpu", List.of("MaliG52")), d.suppliedDimensions());
    assertFalse(d.lastUpdated().isBefore(asked), d.lastUpdated() + " before " + asked); // as in Go, now
  }

  @Test
  void requestKeysMatchCaseInsensitivelyAsGoDecodedThem() throws Exception {
    http.post(Paths.MACHINE_EVENT, TestEvents.android("skia-keys"));
    assertEquals(200, http.post(Paths.SET_NOTE + "skia-keys", "{\"message\":\"swapped the cable\"}").status());
    assertEquals("swapped the cable", description("skia-keys").note().message());
    assertEquals(200, http.post(Paths.SET_ATTACHED_DEVICE + "skia-keys", "{\"attacheddevice\":\"ios\"}").status());
    assertEquals(AttachedDevice.IOS, description("skia-keys").attachedDevice());
    assertEquals(200, http.post(Paths.MACHINE_EVENT, "{\"Type\":\"raw_state\",\"Host\":{\"Name\":\"skia-keys\","
        + "\"Version\":\"v9\"},\"IOS\":{\"Device_Type\":\"iPhone15,2\",\"Battery\":80}}").status());
    Description d = description("skia-keys");
    assertEquals("v9", d.version());
    assertEquals(List.of("iPhone15,2"), d.dimensions().get("device_type"));
    // replies keep their exact keys
    assertTrue(http.get(Paths.withId(Paths.MACHINE_DESCRIPTION, "skia-keys")).body().contains("\"AttachedDevice\":\"ios\""));
  }

  @Test
  void loginStatusWithoutAuthentication() {
    assertEquals(new Reply(200, "{\"email\":\"\",\"roles\":[\"viewer\",\"editor\"],\"role\":\"open\"}"),
        http.get(Paths.LOGIN_STATUS));
  }

  @Test
  void invalidIdsInPathsAre400() {
    assertEquals(400, http.post(Paths.TOGGLE_MODE + "x".repeat(257)).status());
    assertEquals(400, http.post(Paths.TOGGLE_MODE + "a%0Ab").status());
    // an encoded slash splits the path: no route, so no machine, matches it
    assertEquals(404, http.get(Paths.MACHINE_DESCRIPTION + "a%2Fb").status());
  }

  @Test
  void machinesListsEveryDescription() throws Exception {
    http.post(Paths.MACHINE_EVENT, TestEvents.android("skia-list-1"));
    Reply r = http.get(Paths.MACHINES);
    assertEquals(200, r.status());
    List<Description> all = json.readValue(r.body(), new TypeReference<>() {});
    assertTrue(all.stream().anyMatch(d -> d.dimension("id").equals("skia-list-1")));
  }

  @Test
  void healthAndMetrics() throws Exception {
    assertEquals(new Reply(200, "ok"), http.get(Paths.HEALTHZ));
    http.post(Paths.MACHINE_EVENT, TestEvents.android("skia-metrics"));
    String metrics = http.get(Paths.METRICS).body();
    assertTrue(metrics.contains("machineserver_events_processed_total"), metrics);
    assertTrue(metrics.contains("machine_battery{machine=\"skia-metrics\"} 94.0"), metrics);
    assertTrue(metrics.contains("machine_temperature_celsius{machine=\"skia-metrics\",sensor=\"dumpsys_battery\"} 24.8"), metrics);
    assertTrue(metrics.contains("machine_maintenance{machine=\"skia-metrics\"} 0.0"), metrics);
    assertTrue(metrics.contains("machineserver_sse_subscribers"), metrics);
  }

  private static List<String> list() throws Exception {
    return json.readValue(http.get(Paths.POWERCYCLE_LIST).body(), new TypeReference<>() {});
  }
}
