package io.machinestate.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The agent's metrics in Prometheus format, served at {@code /metrics} on the hook server's port.
 * Few and cheap, read from the parts at each scrape; no JVM binders, as the agent's heap and RSS
 * budget is small.
 */
public final class AgentMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter eventsAccepted;

  /** @param version the build stamp, so that a fleet's builds can be told apart on a dashboard */
  public AgentMetrics(String version) {
    Gauge.builder("edge_agent_version", () -> 1).description("always 1; the version is the label")
        .tag("version", version).register(registry);
    eventsAccepted = Counter.builder("edge_agent_events_accepted").description("events the central server accepted")
        .register(registry);
  }

  public void eventAccepted() {
    eventsAccepted.increment();
  }

  /** A 0/1 gauge read at each scrape. */
  public void flag(String name, String help, BooleanSupplier value) {
    Gauge.builder(name, () -> value.getAsBoolean() ? 1 : 0).description(help).register(registry);
  }

  /** A counter kept elsewhere, read at each scrape. */
  public void count(String name, String help, LongSupplier value) {
    FunctionCounter.builder(name, value, LongSupplier::getAsLong).description(help).register(registry);
  }

  public String scrape() {
    return registry.scrape();
  }
}
