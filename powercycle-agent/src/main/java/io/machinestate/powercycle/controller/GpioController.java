package io.machinestate.powercycle.controller;

import com.pi4j.context.Context;
import com.pi4j.exception.Pi4JException;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import io.machinestate.powercycle.config.GpioConfig;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A relay board on GPIO lines, through Pi4J digital outputs. A relay is "on" (energised, machine
 * powered) at the high level, or at the low level on an active-low board. The outputs start and
 * end in the powered state, so creating this controller is already the start-up restore.
 */
public final class GpioController extends PortController {
  private final Map<Integer, DigitalOutput> relays = new HashMap<>();

  /**
   * @param pi4j a context on the configured chip
   * @param provider the Pi4J digital output provider, e.g. {@code gpiod-digital-output}
   */
  public GpioController(GpioConfig config, Context pi4j, String provider) {
    super("gpio", config);
    DigitalState powered = config.activeLow() ? DigitalState.LOW : DigitalState.HIGH;
    for (int line : config.ports().values()) {
      try {
        relays.put(line, pi4j.create(DigitalOutput.newConfigBuilder(pi4j)
            .id("relay-" + config.chip() + "-" + line)
            .name(config.name() + " line " + line)
            .address(line)
            .onState(powered)
            .initial(powered)
            .shutdown(powered)
            .provider(provider)
            .build()));
      } catch (RuntimeException e) {
        // Pi4J reports a missing chip, a busy line or an unsupported board with assorted exceptions.
        throw new IllegalStateException(
            name() + ": cannot drive line " + line + " of " + config.chip() + ": " + e.getMessage(), e);
      }
    }
  }

  /** The lines were claimed when this controller was made; there is nothing more to reach. */
  @Override
  public String probe() {
    return "GPIO lines " + relays.keySet();
  }

  @Override
  void switchPort(int line, boolean on) throws IOException {
    DigitalOutput relay = relays.get(line);
    try {
      if (on) {
        relay.on();
      } else {
        relay.off();
      }
    } catch (Pi4JException e) {
      throw new IOException(name() + ": cannot switch line " + line + (on ? " on" : " off") + ": " + e.getMessage(), e);
    }
  }
}
