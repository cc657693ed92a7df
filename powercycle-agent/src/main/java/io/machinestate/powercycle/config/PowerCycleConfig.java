package io.machinestate.powercycle.config;

import java.util.List;

/** The whole configuration file: every controller, each machine under exactly one of them. */
public record PowerCycleConfig(List<ControllerConfig> controllers) {
  public PowerCycleConfig {
    controllers = List.copyOf(controllers);
  }
}
