package io.machinestate.server.metrics;

import com.sun.management.OperatingSystemMXBean;
import io.machinestate.protocol.Description;
import io.machinestate.server.store.ChangeSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** The server's counters, and per machine the gauges that alerting watches ({@link MachineGauges}), in Prometheus format. */
public final class Metrics implements ChangeSink {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Clock clock;
  private final Counter eventsProcessed;
  private final Counter unknownEventTypes;
  private final Counter failedUpdates;
  private final Counter conflictsRetried;
  private final MachineGauges machines = new MachineGauges();

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
    machines.changed(machineId, d);
  }

  @Override
  public void deleted(String machineId, long version) {
    machines.deleted(machineId);
  }

  /** Everything in Prometheus' text format: the server's meters, then the machines' gauges. */
  public void scrape(Writer out) throws IOException {
    out.write(registry.scrape());
    machines.write(out, clock.instant());
  }
}
