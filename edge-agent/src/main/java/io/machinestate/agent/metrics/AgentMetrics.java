package io.machinestate.agent.metrics;

import java.util.List;
import java.util.ArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The agent's metrics in Prometheus format, served at {@code /metrics} on the hook server's port.
 * Few and cheap, read from the parts at each scrape; no JVM binders, as the agent's heap and RSS
 * budget is small. The registry ({@link Exposition}, Micrometer's) is built at the first scrape:
 * its classes cost some 2 MiB, which a host nobody scrapes never pays.
 */
public final class AgentMetrics {
  /** One meter: a gauge, or a counter when {@code counter}; its value read at each scrape. */
  record Meter(String name, String help, boolean counter, LongSupplier value) {}

  private final String version;
  /** Guarded by this. */
  private final List<Meter> meters = new ArrayList<>();
  private final LongAdder eventsAccepted = new LongAdder();
  private Exposition exposition;

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
    add(new Meter(name, help, false, () -> value.getAsBoolean() ? 1 : 0));
  }

  /** A counter kept elsewhere, read at each scrape. */
  public void count(String name, String help, LongSupplier value) {
    add(new Meter(name, help, true, value));
  }

  private synchronized void add(Meter meter) {
    meters.add(meter);
    if (exposition != null) {
      exposition.register(meter);
    }
  }

  public synchronized String scrape() {
    if (exposition == null) {
      exposition = new Exposition(version, meters);
    }
    return exposition.scrape();
  }
}
