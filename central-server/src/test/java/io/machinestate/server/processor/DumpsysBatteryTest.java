package io.machinestate.server.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class DumpsysBatteryTest {
  @Test
  void levelScaleAndTemperatureOfARealDevice() {
    DumpsysBattery battery = DumpsysBattery.parse(Fixtures.DUMPSYS_BATTERY);

    assertEquals(94, battery.percent());
    assertEquals(OptionalDouble.of(24.8), battery.temperature());
  }

  @Test
  void percentIsIntegerOfHundredTimesLevelOverScale() {
    String halfScale = Fixtures.DUMPSYS_BATTERY.replace("level: 94", "level: 47").replace("scale: 100", "scale: 50");
    String odd = Fixtures.DUMPSYS_BATTERY.replace("level: 94", "level: 2").replace("scale: 100", "scale: 3");

    assertEquals(94, DumpsysBattery.parse(halfScale).percent());
    assertEquals(66, DumpsysBattery.parse(odd).percent());
  }

  @Test
  void crLfLinesAsHammerheadWritesThem() {
    DumpsysBattery battery = DumpsysBattery.parse(Fixtures.DUMPSYS_BATTERY.replace("\n", "\r\n"));

    assertEquals(94, battery.percent());
    assertEquals(OptionalDouble.of(24.8), battery.temperature());
  }

  @Test
  void unreadableWithoutLevelOrScaleOrWithZeroScale() {
    assertEquals(-99, DumpsysBattery.parse(Fixtures.DUMPSYS_BATTERY.replace("  scale: 100\n", "")).percent());
    assertEquals(-99, DumpsysBattery.parse(Fixtures.DUMPSYS_BATTERY.replace("  level: 94\n", "")).percent());
    assertEquals(-99, DumpsysBattery.parse(Fixtures.DUMPSYS_BATTERY.replace("scale: 100", "scale: 0")).percent());
    assertEquals(-99, DumpsysBattery.parse(Fixtures.DUMPSYS_BATTERY.replace("level: 94", "level: unknown")).percent());
    assertEquals(-99, DumpsysBattery.parse("").percent());
  }

  @Test
  void otherKeysEndingInLevelAreNotTheLevel() {
    String capacityFirst = "Current Battery Service state:\n  Capacity level: 4\n  level: 55\n  scale: 100\n";

    assertEquals(55, DumpsysBattery.parse(capacityFirst).percent());
  }

  @Test
  void noTemperatureWhenAbsent() {
    assertTrue(DumpsysBattery.parse(Fixtures.DUMPSYS_BATTERY.replace("  temperature: 248\n", ""))
        .temperature().isEmpty());
  }
}
