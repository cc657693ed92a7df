package io.machinestate.powercycle.controller;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;

/** Switches the power of the machines wired to one relay board, power strip or switch. */
public interface Controller {
  /** For logs: the kind and the configured name, e.g. {@code mpower "rack2-mpower1"}. */
  String name();

  Set<String> machines();

  /** How long a cycle keeps the power off. */
  Duration offTime();

  /**
   * Talks to the device without switching anything, as Go's start-up smoke test did.
   *
   * @return what answered, for an operator, e.g. {@code EdgeSwitch CLI}
   */
  String probe() throws IOException;

  void powerOff(String machine) throws IOException;

  /** Restores the power; harmless when it is on already. */
  void powerOn(String machine) throws IOException;

  /**
   * Reboots the machine without cutting its power, when the controller knows a way.
   *
   * @return true when the machine took the reboot, so no power cycle is needed
   */
  default boolean softReboot(String machine) {
    return false;
  }
}
