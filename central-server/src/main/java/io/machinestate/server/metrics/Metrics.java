package io.machinestate.server.metrics;

import com.sun.management.OperatingSystemMXBean;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Times;
import io.machinestate.server.machine.MachineLimits;
import io.machinestate.server.store.ChangeSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/** The server's counters, and per machine the gauges that alerting watches, in Prometheus format. */
public final class Metrics implements ChangeSink {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Clock clock;
  private final Counter eventsProcessed;
  private final Counter unknownEventTypes;
  private final Counter failedUpdates;
  private final Counter conflictsRetried;
  private final Map<String, MachineGauges> machines = new ConcurrentHashMap<>();

  public Metrics(Clock clock) {
    this.clock = clock;
    eventsProcessed = Counter.builder("machineserver.events.processed")
        .description("Events turned into a committed Description").register(registry);
    unknownEventTypes = Counter.builder("machineserver.events.unknown.type")
        .description("Events of a type other than raw_state, ignored").register(registry);
    failedUpdates = Counter.builder("machineserver.store.update.failures")
        .description("Event updates that the database did not commit").register(registry);
    conflictsRetried = Counter.builder("machineserver.store.conflicts.retried")
        .description("Transactions retried after a serialization conflict (SQLSTATE 40001)").register(registry);
    // the standard process metrics, by their Prometheus names: what CPU and memory the server costs
    OperatingSystemMXBean os = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
    FunctionCounter.builder("process.cpu.seconds", os, o -> o.getProcessCpuTime() / 1e9)
        .description("CPU time of the server process").register(registry);
    Gauge.builder("process.resident.memory.bytes", Metrics::residentBytes)
        .description("Resident memory of the server process (Linux)").register(registry);
  }

  private static double residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return Double.NaN;
  }

  public void eventProcessed() {
    eventsProcessed.increment();
  }

  public void unknownEventType() {
    unknownEventTypes.increment();
  }

  public void failedUpdate() {
    failedUpdates.increment();
  }

  public void conflictRetried() {
    conflictsRetried.increment();
  }

  /** A gauge read at each scrape, such as the number of SSE subscribers. */
  public <T> void gauge(String name, String description, T source, ToDoubleFunction<T> value) {
    Gauge.builder(name, source, value).description(description).register(registry);
  }

  /** A counter kept by {@code source} and read at each scrape. */
  public <T> void counter(String name, String description, T source, ToDoubleFunction<T> value) {
    FunctionCounter.builder(name, source, value).description(description).register(registry);
  }

  /** Starts the per-machine gauges from what the database holds. */
  public void load(List<Description> descriptions) {
    descriptions.forEach(d -> changed(d.dimension("id"), 0, d));
  }

  @Override
  public void changed(String machineId, long version, Description d) {
    machines.computeIfAbsent(machineId, MachineGauges::new).update(d);
  }

  @Override
  public void deleted(String machineId, long version) {
    MachineGauges gauges = machines.remove(machineId);
    if (gauges != null) {
      gauges.remove();
    }
  }

  public String scrape() {
    return registry.scrape();
  }

  /** One machine's gauges; they read the newest Description at each scrape. */
  private final class MachineGauges {
    private final String machineId;
    private final List<Meter> fixed;
    private final Map<String, Meter> temperatures = new HashMap<>();
    private volatile Description current = Description.builder().build();

    MachineGauges(String machineId) {
      this.machineId = machineId;
      fixed = List.of(
          gauge("machine.battery", "Battery percent; -99 when unreadable", d -> d.battery()),
          gauge("machine.maintenance", "1 while in maintenance mode", d -> d.maintenanceMode().isEmpty() ? 0 : 1),
          gauge("machine.quarantined", "1 while force-quarantined", d -> d.isQuarantined() ? 1 : 0),
          gauge("machine.recovering", "1 while recovering", d -> d.recovering().isEmpty() ? 0 : 1),
          gauge("machine.recovery.seconds", "Seconds since the current recovery began", this::secondsInRecovery));
    }

    private double secondsInRecovery(Description d) {
      if (d.recovering().isEmpty() || Times.isZero(d.recoveryStart())) {
        return 0;
      }
      return Duration.between(d.recoveryStart(), clock.instant()).toMillis() / 1000.0;
    }

    private Meter gauge(String name, String help, ToDoubleFunction<Description> f) {
      return Gauge.builder(name, this, g -> f.applyAsDouble(g.current))
          .description(help).tag("machine", machineId).register(registry);
    }

    synchronized void update(Description d) {
      current = d;
      // Descriptions are limited when written; this also holds for ones stored before the limits
      Map<String, Double> temps = d.temperature() == null ? Map.of() : MachineLimits.sensors(d.temperature());
      temperatures.entrySet().removeIf(e -> {
        if (temps.containsKey(e.getKey())) {
          return false;
        }
        registry.remove(e.getValue());
        return true;
      });
      temps.keySet().forEach(sensor -> temperatures.computeIfAbsent(sensor, s ->
          Gauge.builder("machine.temperature.celsius", this, g -> temperature(g.current, s))
              .description("Device temperature by sensor").tag("machine", machineId).tag("sensor", s)
              .register(registry)));
    }

    private static double temperature(Description d, String sensor) {
      return d.temperature() == null ? Double.NaN : d.temperature().getOrDefault(sensor, Double.NaN);
    }

    synchronized void remove() {
      fixed.forEach(registry::remove);
      temperatures.values().forEach(registry::remove);
    }
  }
}
