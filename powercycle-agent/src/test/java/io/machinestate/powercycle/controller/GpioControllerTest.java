package io.machinestate.powercycle.controller;

import static com.pi4j.io.gpio.digital.DigitalState.HIGH;
import static com.pi4j.io.gpio.digital.DigitalState.LOW;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.machinestate.powercycle.config.GpioConfig;
import io.machinestate.powercycle.testing.MockRelays;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GpioControllerTest {
  private final MockRelays relays = new MockRelays();

  @AfterEach
  void tearDown() {
    relays.close();
  }

  @Test
  void activeHighBoardIsPoweredAtHighLevel() throws Exception {
    GpioController board = controller(false);
    var line17 = relays.record("gpiochip0", 17);
    var line27 = relays.record("gpiochip0", 27);

    board.powerOff("skia-rpi-001");
    board.powerOn("skia-rpi-001");

    assertEquals(List.of(HIGH, LOW, HIGH), MockRelays.states(line17), "powered from the start, then off and on");
    assertEquals(List.of(HIGH), MockRelays.states(line27));
  }

  @Test
  void activeLowBoardIsPoweredAtLowLevel() throws Exception {
    GpioController board = controller(true);
    var line17 = relays.record("gpiochip0", 17);
    var line27 = relays.record("gpiochip0", 27);

    board.powerOff("skia-rpi-002");
    board.powerOn("skia-rpi-002");

    assertEquals(List.of(LOW), MockRelays.states(line17));
    assertEquals(List.of(LOW, HIGH, LOW), MockRelays.states(line27));
  }

  @Test
  void contextShutdownLeavesTheMachinesPowered() throws Exception {
    GpioController board = controller(true);
    board.powerOff("skia-rpi-001");
    var line17 = relays.line("gpiochip0", 17);
    assertEquals(HIGH, line17.state());

    relays.close();

    assertEquals(LOW, line17.state());
  }

  private GpioController controller(boolean activeLow) {
    return new GpioController(new GpioConfig("rack1-relays", "gpiochip0", activeLow, Duration.ofMillis(100),
        Map.of("skia-rpi-001", 17, "skia-rpi-002", 27)), relays.context(), MockRelays.PROVIDER);
  }
}
