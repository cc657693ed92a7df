package io.machinestate.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Documents shaped exactly as the Go implementation writes them read and write back unchanged. */
class GoldenJsonTest {
  private final ObjectMapper json = Json.newMapper();

  @ParameterizedTest
  @CsvSource({
      "description.json, io.machinestate.protocol.Description",
      "description-chromeos.json, io.machinestate.protocol.Description",
      "event-android.json, io.machinestate.protocol.Event",
      "event-standalone.json, io.machinestate.protocol.Event"})
  void roundTripKeepsMeaning(String file, Class<?> type) throws IOException {
    JsonNode golden = json.readTree(golden(file));
    Object value = json.treeToValue(golden, type);
    JsonNode written = json.readTree(json.writeValueAsString(value));
    assertEquals(normalizeTimes(golden), normalizeTimes(written));
  }

  @Test
  void descriptionFieldsAreRead() throws IOException {
    Description d = json.readValue(golden("description.json"), Description.class);
    assertEquals(AttachedDevice.ADB, d.attachedDevice());
    assertEquals(PowerCycleState.AVAILABLE, d.powerCycleState());
    assertEquals(Instant.parse("2026-11-24T10:00:00.500Z"), d.annotation().timestamp());
    assertEquals(Times.ZERO, d.note().timestamp());
    assertEquals(Map.of("dumpsys_battery", 26.5, "skin", 38.25), d.temperature());
    assertEquals("QP1A_190711.020", d.dimension("device_os"));
    assertNull(d.suppliedDimensions());
    assertNull(d.taskRequest());
  }

  @Test
  void nullAndEmptyDimensionMapsStayApart() throws IOException {
    Description d = json.readValue(golden("description-chromeos.json"), Description.class);
    assertEquals(Map.of(), d.suppliedDimensions());
    assertNull(d.temperature());
    JsonNode out = json.valueToTree(d);
    assertTrue(out.get("SuppliedDimensions").isObject());
    assertTrue(out.get("Temperature").isNull());
    assertEquals("Test-Debian", out.get("TaskRequest").get("TaskName").asText());
  }

  @Test
  void timesAreWrittenAsGoWritesThem() throws IOException {
    Description d = Description.builder()
        .lastUpdated(Instant.parse("2026-11-24T10:00:00.120Z"))
        .taskStarted(Instant.parse("2026-11-24T10:00:00.000000001Z"))
        .build();
    JsonNode out = json.valueToTree(d);
    assertEquals("2026-11-24T10:00:00.12Z", out.get("LastUpdated").asText());
    assertEquals("2026-11-24T10:00:00.000000001Z", out.get("TaskStarted").asText());
    assertEquals("0001-01-01T00:00:00Z", out.get("RecoveryStart").asText());
    assertEquals("0001-01-01T00:00:00Z", out.get("Annotation").get("Timestamp").asText());
    assertFalse(out.has("TaskRequest"));
    assertEquals("nodevice", out.get("AttachedDevice").asText());
    assertEquals("not_available", out.get("PowerCycleState").asText());
    assertTrue(out.get("Dimensions").isObject());
  }

  @Test
  void descriptionHasEveryKeyOfTheGoStruct() {
    JsonNode out = json.valueToTree(Description.builder().build());
    List<String> keys = List.of("MaintenanceMode", "IsQuarantined", "Recovering", "AttachedDevice",
        "Annotation", "Note", "Version", "PowerCycle", "PowerCycleState", "LastUpdated", "Battery",
        "Temperature", "RunningSwarmingTask", "LaunchedSwarming", "RecoveryStart", "DeviceUptime",
        "SSHUserIP", "SuppliedDimensions", "Dimensions", "TaskStarted");
    assertEquals(keys.size(), out.size());
    keys.forEach(k -> assertTrue(out.has(k), k));
  }

  @Test
  void durationsAreIntegerNanoseconds() throws IOException {
    Event e = json.readValue(golden("event-android.json"), Event.class);
    assertEquals(Duration.ofHours(1), e.android().uptime());
    assertTrue(e.android().populated());
    assertEquals(Instant.parse("2026-11-24T08:00:00.987654321Z"), e.host().startTime());
    assertEquals(3600000000000L, json.valueToTree(e).get("android").get("uptime").asLong());
  }

  @Test
  void missingKeysTakeTheirZeroValueAndUnknownKeysAreIgnored() throws IOException {
    Event e = json.readValue("{\"type\":\"raw_state\",\"host\":{\"name\":\"m1\"},\"new_field\":{\"a\":1}}", Event.class);
    assertEquals("m1", e.host().name());
    assertEquals(Times.ZERO, e.host().startTime());
    assertFalse(e.android().populated());
    assertFalse(e.standalone().populated());
    assertEquals(Duration.ZERO, e.chromeos().uptime());

    Description d = json.readValue("{\"Battery\":5,\"Future\":true}", Description.class);
    assertEquals(5, d.battery());
    assertEquals(AttachedDevice.NODEVICE, d.attachedDevice());
    assertEquals(Map.of(), d.dimensions());
  }

  @Test
  void offsetsAreReadAsInstants() throws IOException {
    Description d = json.readValue(golden("description-chromeos.json"), Description.class);
    assertEquals(Instant.parse("2026-11-24T09:00:00Z"), d.note().timestamp());
  }

  @Test
  void invalidEnumValuesAreRefused() {
    assertThrows(ValueInstantiationException.class,
        () -> json.readValue("{\"AttachedDevice\":\"floppy\"}", Requests.SetAttachedDevice.class));
    assertThrows(ValueInstantiationException.class,
        () -> json.readValue("{\"Machines\":[{\"MachineID\":\"a\",\"PowerCycleState\":\"on\"}]}",
            Requests.UpdatePowerCycleStateRequest.class));
  }

  @Test
  void badTimesAndDurationsAreRefused() {
    assertThrows(IOException.class,
        () -> json.readValue("{\"LastUpdated\":\"yesterday\"}", Description.class));
    assertThrows(IOException.class,
        () -> json.readValue("{\"android\":{\"uptime\":\"1h\"}}", Event.class));
  }

  /** Go trims trailing zeros and may write offsets; compare times as instants. */
  private JsonNode normalizeTimes(JsonNode node) {
    if (node.isObject()) {
      var copy = json.createObjectNode();
      node.fields().forEachRemaining(f -> copy.set(f.getKey(), normalizeTimes(f.getValue())));
      return copy;
    }
    if (node.isArray()) {
      var copy = json.createArrayNode();
      node.forEach(n -> copy.add(normalizeTimes(n)));
      return copy;
    }
    if (node.isTextual() && node.asText().matches("\\d{4}-\\d\\d-\\d\\dT.*")) {
      return json.getNodeFactory().textNode(Times.parse(node.asText()).toString());
    }
    return node;
  }

  private static InputStream golden(String name) {
    return GoldenJsonTest.class.getResourceAsStream("/golden/" + name);
  }
}
