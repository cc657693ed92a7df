package io.machinestate.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.protocol.Description;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MachineGaugesTest {
  private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
  private final MachineGauges gauges = new MachineGauges();

  @Test
  void writesEveryFamilyOnceWithItsSeriesInMachineOrder() throws IOException {
    gauges.changed("skia-rpi-002", Description.builder().battery(40).maintenanceMode("fixing the hub").build());
    gauges.changed("skia-rpi-001", Description.builder().battery(95).isQuarantined(true)
        .recovering("too hot").recoveryStart(NOW.minusSeconds(90)).temperature(new TreeMap<>(Map.of("cpu0", 41.5))).build());

    List<String> lines = write().lines().toList();

    assertEquals(List.of(
        "# HELP machine_battery Battery percent; -99 when unreadable",
        "# TYPE machine_battery gauge",
        "machine_battery{machine=\"skia-rpi-001\"} 95.0",
        "machine_battery{machine=\"skia-rpi-002\"} 40.0",
        "# HELP machine_maintenance 1 while in maintenance mode",
        "# TYPE machine_maintenance gauge",
        "machine_maintenance{machine=\"skia-rpi-001\"} 0.0",
        "machine_maintenance{machine=\"skia-rpi-002\"} 1.0",
        "# HELP machine_quarantined 1 while force-quarantined",
        "# TYPE machine_quarantined gauge",
        "machine_quarantined{machine=\"skia-rpi-001\"} 1.0",
        "machine_quarantined{machine=\"skia-rpi-002\"} 0.0",
        "# HELP machine_recovering 1 while recovering",
        "# TYPE machine_recovering gauge",
        "machine_recovering{machine=\"skia-rpi-001\"} 1.0",
        "machine_recovering{machine=\"skia-rpi-002\"} 0.0",
        "# HELP machine_recovery_seconds Seconds since the current recovery began",
        "# TYPE machine_recovery_seconds gauge",
        "machine_recovery_seconds{machine=\"skia-rpi-001\"} 90.0",
        "machine_recovery_seconds{machine=\"skia-rpi-002\"} 0.0",
        "# HELP machine_temperature_celsius Device temperature by sensor",
        "# TYPE machine_temperature_celsius gauge",
        "machine_temperature_celsius{machine=\"skia-rpi-001\",sensor=\"cpu0\"} 41.5"), lines);
  }

  @Test
  void escapesLabelValuesAndWritesSpecialValuesAsPrometheusReadsThem() throws IOException {
    Map<String, Double> temperatures = new TreeMap<>();
    temperatures.put("a\"b\\c\nd", 30.0);
    temperatures.put("unreadable", Double.NaN);
    temperatures.put("hot", Double.POSITIVE_INFINITY);
    temperatures.put("cold", Double.NEGATIVE_INFINITY);
    gauges.changed("m", Description.builder().temperature(temperatures).build());

    String text = write();

    assertTrue(text.contains("{machine=\"m\",sensor=\"a\\\"b\\\\c\\nd\"} 30.0\n"), text);
    assertTrue(text.contains("sensor=\"unreadable\"} NaN\n"), text);
    assertTrue(text.contains("sensor=\"hot\"} +Inf\n"), text);
    assertTrue(text.contains("sensor=\"cold\"} -Inf\n"), text);
  }

  @Test
  void aChangeReplacesTheSensorsAndADeletionEndsTheSeries() throws IOException {
    gauges.changed("m", Description.builder().temperature(Map.of("cpu0", 40.0, "gpu", 50.0)).build());
    gauges.changed("m", Description.builder().temperature(Map.of("cpu0", 41.0)).build());
    String text = write();
    assertTrue(text.contains("sensor=\"cpu0\"} 41.0"), text);
    assertFalse(text.contains("sensor=\"gpu\""), text);

    gauges.deleted("m");
    assertFalse(write().contains("machine=\"m\""));
  }

  @Test
  void sensorsStoredBeforeTheLimitsAreCutToThem() throws IOException {
    Map<String, Double> many = new HashMap<>();
    for (int i = 0; i < 500; i++) {
      many.put("sensor" + i, 30.0);
    }
    gauges.changed("m", Description.builder().temperature(many).build());
    long series = write().lines().filter(l -> l.startsWith("machine_temperature_celsius{")).count();
    assertEquals(100, series);
  }

  private String write() throws IOException {
    StringWriter out = new StringWriter();
    gauges.write(out, NOW);
    return out.toString();
  }
}
