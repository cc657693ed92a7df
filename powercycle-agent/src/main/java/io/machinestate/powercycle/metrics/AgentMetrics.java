package io.machinestate.powercycle.metrics;

import io.machinestate.powercycle.controller.Controller;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What an operator watches: cycles done and failed, whether each controller answers, and how long
 * switching takes, each per controller (its kind and name, e.g. {@code synaccess PDU1}).
 */
public final class AgentMetrics {
  private final MeterRegistry registry;
  private final Map<String, AtomicInteger> reachable = new ConcurrentHashMap<>();

  public AgentMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void cycled(Controller c, boolean ok) {
    Counter.builder("powercycle.cycles")
        .description("Power cycles (or soft reboots) done or failed")
        .tag("controller", label(c))
        .tag("outcome", ok ? "done" : "failed")
        .register(registry)
        .increment();
  }

  public void reachable(Controller c, boolean answers) {
    reachable.computeIfAbsent(label(c), name -> registry.gauge("powercycle.controller.reachable",
            Tags.of("controller", name), new AtomicInteger()))
        .set(answers ? 1 : 0);
  }

  /** @param on true for switching on, false for off */
  public void switched(Controller c, boolean on, Duration took) {
    Timer.builder("powercycle.switch")
        .description("Time for one switching command to be carried out")
        .tag("controller", label(c))
        .tag("action", on ? "on" : "off")
        .register(registry)
        .record(took);
  }

  private static String label(Controller c) {
    return c.name().replace("\"", "");
  }
}
