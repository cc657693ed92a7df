package io.machinestate.powercycle.config;

import java.time.Duration;
import java.util.Map;

/** One power controller from the configuration file: a relay board, a power strip or a switch. */
public sealed interface ControllerConfig permits GpioConfig, MPowerConfig, EdgeSwitchConfig, SynaccessConfig {
  /** The label in the configuration file, ideally the one on the physical device. */
  String name();

  /** Machine id to port (GPIO line, relay or outlet number), in file order. */
  Map<String, Integer> ports();

  /** How long the power stays off during a cycle. */
  Duration offTime();
}
