package io.machinestate.agent.metrics;

import static io.machinestate.metrics.PrometheusText.header;
import static io.machinestate.metrics.PrometheusText.label;
import static io.machinestate.metrics.PrometheusText.number;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The agent's metrics in Prometheus format, served at {@code /metrics} on the hook server's port.
 * Few and cheap, read from the parts at each scrape, and written by hand: a registry's classes
 * (Micrometer's and Prometheus' client) cost the agent some 2 MiB of its 64 MiB from the first
 * scrape on.
 */
public final class AgentMetrics {
  /** One meter: a gauge, or a counter (named with {@code _total}) when {@code counter}. */
  private record Meter(String name, String help, boolean counter, LongSupplier value) {}

  private final String version;
  private final List<Meter> meters = new CopyOnWriteArrayList<>();
  private final LongAdder eventsAccepted = new LongAdder();

  /** @param version the build stamp, so that a fleet's builds can be told apart on a dashboard */
  public AgentMetrics(String version) {
    this.version = version;
    count("edge_agent_events_accepted", "events the central server accepted", eventsAccepted::sum);
  }

  public void eventAccepted() {
    eventsAccepted.increment();
  }

  /** A 0/1 gauge read at each scrape. */
  public void flag(String name, String help, BooleanSupplier value) {
    meters.add(new Meter(name, help, false, () -> value.getAsBoolean() ? 1 : 0));
  }

  /** A counter kept elsewhere, read at each scrape. */
  public void count(String name, String help, LongSupplier value) {
    meters.add(new Meter(name + "_total", help, true, value));
  }

  public String scrape() {
    StringBuilder text = header(new StringBuilder(), "edge_agent_version", "gauge", "always 1; the version is the label");
    label(text.append("edge_agent_version{version=\""), version).append("\"} 1.0\n");
    for (Meter m : meters) {
      header(text, m.name(), m.counter() ? "counter" : "gauge", m.help())
          .append(m.name()).append(' ').append(number(m.value().getAsLong())).append('\n');
    }
    return text.toString();
  }
}
