package io.machinestate.agent.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.function.LongSupplier;

/** The Prometheus registry of {@link AgentMetrics}' meters; the only class that touches Micrometer's. */
final class Exposition {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /** @param meters registered now; those added later by {@link #register} */
  Exposition(String version, List<AgentMetrics.Meter> meters) {
    Gauge.builder("edge_agent_version", () -> 1).description("always 1; the version is the label")
        .tag("version", version).register(registry);
    meters.forEach(this::register);
  }

  void register(AgentMetrics.Meter m) {
    if (m.counter()) {
      FunctionCounter.builder(m.name(), m.value(), LongSupplier::getAsLong).description(m.help()).register(registry);
    } else {
      Gauge.builder(m.name(), m.value(), LongSupplier::getAsLong).description(m.help()).register(registry);
    }
  }

  String scrape() {
    return registry.scrape();
  }
}
