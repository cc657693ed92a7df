package io.machinestate.powercycle.controller;

import io.machinestate.powercycle.config.ControllerConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;

/** A controller that powers each machine through one numbered port. */
abstract class PortController implements Controller {
  private final String name;
  private final ControllerConfig config;

  PortController(String kind, ControllerConfig config) {
    this.name = kind + " \"" + config.name() + "\"";
    this.config = config;
  }

  /** Switches one port on (powered) or off. */
  abstract void switchPort(int port, boolean on) throws IOException;

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final Set<String> machines() {
    return config.ports().keySet();
  }

  @Override
  public final Duration offTime() {
    return config.offTime();
  }

  @Override
  public final void powerOff(String machine) throws IOException {
    switchPort(port(machine), false);
  }

  @Override
  public final void powerOn(String machine) throws IOException {
    switchPort(port(machine), true);
  }

  @Override
  public String toString() {
    return name;
  }

  private int port(String machine) {
    Integer port = config.ports().get(machine);
    if (port == null) {
      throw new IllegalArgumentException(name + " does not power \"" + machine + "\"");
    }
    return port;
  }
}
