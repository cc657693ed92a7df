package io.machinestate.server.metrics;

import static io.machinestate.metrics.PrometheusText.label;
import static io.machinestate.metrics.PrometheusText.number;

import io.machinestate.metrics.PrometheusText;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Times;
import io.machinestate.server.machine.MachineLimits;
import java.io.IOException;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Per machine, the gauges that alerting watches, written straight in Prometheus' text format from
 * the newest Descriptions. A registered meter per machine and gauge made each scrape of a
 * 10,000-machine fleet (some 90,000 series) cost seconds of CPU; this costs tens of milliseconds.
 */
final class MachineGauges {
  private record Family(String name, String help, Gauge value) {}

  /** A gauge's value for one machine at the time of the scrape. */
  private interface Gauge {
    double value(Description d, Instant now);
  }

  /** The newest Description and its temperatures within the limits (those stored before the limits may hold more). */
  private record Machine(Description description, Map<String, Double> temperatures) {}

  private static final List<Family> FAMILIES = List.of(
      new Family("machine_battery", "Battery percent; -99 when unreadable", (d, now) -> d.battery()),
      new Family("machine_maintenance", "1 while in maintenance mode", (d, now) -> d.maintenanceMode().isEmpty() ? 0 : 1),
      new Family("machine_quarantined", "1 while force-quarantined", (d, now) -> d.isQuarantined() ? 1 : 0),
      new Family("machine_recovering", "1 while recovering", (d, now) -> d.recovering().isEmpty() ? 0 : 1),
      new Family("machine_recovery_seconds", "Seconds since the current recovery began",
          MachineGauges::secondsInRecovery));
  private static final String TEMPERATURE = "machine_temperature_celsius";

  private final ConcurrentSkipListMap<String, Machine> machines = new ConcurrentSkipListMap<>();

  void changed(String machineId, Description d) {
    Map<String, Double> temperatures = d.temperature() == null ? Map.of() : MachineLimits.sensors(d.temperature());
    machines.put(machineId, new Machine(d, temperatures));
  }

  void deleted(String machineId) {
    machines.remove(machineId);
  }

  /** Every family, its series in machine-id order; {@code out} should be buffered. */
  void write(Writer out, Instant now) throws IOException {
    StringBuilder line = new StringBuilder(128);
    for (Family f : FAMILIES) {
      out.append(header(line, f.name(), "gauge", f.help()));
      for (Map.Entry<String, Machine> m : machines.entrySet()) {
        out.append(series(line, f.name(), m.getKey(), null, f.value().value(m.getValue().description(), now)));
      }
    }
    out.append(header(line, TEMPERATURE, "gauge", "Device temperature by sensor"));
    for (Map.Entry<String, Machine> m : machines.entrySet()) {
      for (Map.Entry<String, Double> t : m.getValue().temperatures().entrySet()) {
        out.append(series(line, TEMPERATURE, m.getKey(), t.getKey(), t.getValue()));
      }
    }
  }

  /** {@code line}, emptied, then the family's header lines. */
  private static StringBuilder header(StringBuilder line, String name, String type, String help) {
    line.setLength(0);
    return PrometheusText.header(line, name, type, help);
  }

  private static double secondsInRecovery(Description d, Instant now) {
    if (d.recovering().isEmpty() || Times.isZero(d.recoveryStart())) {
      return 0;
    }
    return Duration.between(d.recoveryStart(), now).toMillis() / 1000.0;
  }

  /** {@code line}, emptied, then one sample's line. */
  private static StringBuilder series(StringBuilder line, String name, String machine, String sensor, double value) {
    line.setLength(0);
    label(line.append(name).append("{machine=\""), machine);
    if (sensor != null) {
      label(line.append("\",sensor=\""), sensor);
    }
    return line.append("\"} ").append(number(value)).append('\n');
  }
}
