package io.machinestate.powercycle;

import io.machinestate.powercycle.config.ControllerConfig;
import io.machinestate.powercycle.config.EdgeSwitchConfig;
import io.machinestate.powercycle.config.GpioConfig;
import io.machinestate.powercycle.config.MPowerConfig;
import io.machinestate.powercycle.config.PowerCycleConfig;
import io.machinestate.powercycle.config.SshLogin;
import io.machinestate.powercycle.config.SynaccessConfig;
import io.machinestate.powercycle.controller.Controller;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * {@code check}: prints the configuration as the agent reads it, each controller with its
 * machines; with {@code --probe} asks each controller read-only whether it answers. Switches nothing:
 * GPIO lines are not even claimed, as claiming one drives it.
 */
final class ConfigCheck {
  private final Function<ControllerConfig, Controller> controllers;
  private final PrintStream out;

  /** @param controllers builds a non-GPIO controller, for probing */
  ConfigCheck(Function<ControllerConfig, Controller> controllers, PrintStream out) {
    this.controllers = controllers;
    this.out = out;
  }

  /** @return the exit status: 0, or 1 when a probed controller did not answer */
  int run(PowerCycleConfig config, String source, boolean probe) {
    int machines = config.controllers().stream().mapToInt(c -> c.ports().size()).sum();
    out.printf("%s: valid; %d controllers, %d machines%n", source, config.controllers().size(), machines);
    if (machines == 0) {
      out.println("no machine is configured: the agent starts, reports nothing and idles");
    }
    int status = 0;
    for (ControllerConfig c : config.controllers()) {
      out.printf("%s %s: %s, off %s%n", kind(c), quoted(c.name()), describe(c), c.offTime());
      c.ports().forEach((machine, port) -> out.printf("  %-32s %s%n", machine, port));
      if (probe && !probe(c)) {
        status = 1;
      }
    }
    return status;
  }

  private boolean probe(ControllerConfig c) {
    if (c instanceof GpioConfig g) {
      Path chip = Path.of("/dev", g.chip());
      boolean present = Files.exists(chip);
      out.printf("  probe: %s %s (lines not claimed)%n", chip, present ? "present" : "MISSING");
      return present;
    }
    try {
      out.printf("  probe: answers: %s%n", controllers.apply(c).probe());
      return true;
    } catch (IOException | RuntimeException e) {
      out.printf("  probe: FAILED: %s%n", e.getMessage());
      return false;
    }
  }

  private static String kind(ControllerConfig c) {
    return switch (c) {
      case GpioConfig g -> "gpio";
      case MPowerConfig m -> "mpower";
      case EdgeSwitchConfig e -> "edgeswitch";
      case SynaccessConfig s -> "synaccess";
    };
  }

  private static String describe(ControllerConfig c) {
    return switch (c) {
      case GpioConfig g -> g.chip() + (g.activeLow() ? ", active low" : "");
      case MPowerConfig m -> ssh(m.login());
      case EdgeSwitchConfig e -> ssh(e.login()) + (e.softReboot() == null ? ", no soft reboot" : ", soft reboot first");
      case SynaccessConfig s -> s.address() + " as " + s.user();
    };
  }

  private static String ssh(SshLogin login) {
    return "ssh " + login.target() + (login.password() == null ? " by key" : " by password") + ", "
        + (login.knownHosts() == null ? "host key NOT checked" : "host key from " + login.knownHosts());
  }

  private static String quoted(String name) {
    return "\"" + name + "\"";
  }
}
