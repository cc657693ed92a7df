package io.machinestate.powercycle;

import io.machinestate.powercycle.config.ControllerConfig;
import io.machinestate.powercycle.config.PowerCycleConfig;
import io.machinestate.powercycle.controller.Controller;
import io.machinestate.powercycle.cycle.PowerCycler;
import java.io.IOException;
import java.io.PrintStream;
import java.util.function.Function;

/** {@code cycle}: one machine now, through the same {@link PowerCycler} as the agent. */
final class ManualCycle {
  private final Function<ControllerConfig, Controller> controllers;
  private final PowerCycler cycler;
  private final PrintStream out;

  ManualCycle(Function<ControllerConfig, Controller> controllers, PowerCycler cycler, PrintStream out) {
    this.controllers = controllers;
    this.cycler = cycler;
    this.out = out;
  }

  /** @return the exit status: 0 cycled, 1 failed or cut short, 2 no such machine */
  int run(PowerCycleConfig config, String machine) {
    ControllerConfig owner = config.controllers().stream()
        .filter(c -> c.ports().containsKey(machine))
        .findFirst()
        .orElse(null);
    if (owner == null) {
      out.printf("%s is not in the configuration%n", machine);
      return 2;
    }
    Controller c = controllers.apply(owner);
    try {
      if (!cycler.cycle(c, machine)) {
        out.printf("%s: cut short; its power is back on%n", machine);
        return 1;
      }
      out.printf("%s: power-cycled through %s%n", machine, c.name());
      return 0;
    } catch (IOException e) {
      out.printf("%s: FAILED: %s%n", machine, e.getMessage());
      return 1;
    }
  }
}
