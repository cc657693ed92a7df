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
    String noLevel = Fixtures.DUMPSYS_BATTERY.replace("  level: 94\n", "");

    assertEquals(55, DumpsysBattery.parse(capacityFirst).percent());
    assertEquals(-99, DumpsysBattery.parse(noLevel).percent());
  }

  @Test
  void theFirstOfARepeatedKeyCounts() {
    assertEquals(94, DumpsysBattery.parse(Fixtures.DUMPSYS_BATTERY + "  level: 12\n").percent());
  }

  @Test
  void aNumberNeedsWhitespaceAfterTheColon() {
    String noSpace = Fixtures.DUMPSYS_BATTERY.replace("level: 94", "level:20");

    assertEquals(-99, DumpsysBattery.parse(noSpace).percent());
    assertEquals(-99, DumpsysBattery.parse(Fixtures.DUMPSYS_BATTERY.replace("scale: 100", "scale:100")).percent());
    assertTrue(DumpsysBattery.parse(Fixtures.DUMPSYS_BATTERY.replace("temperature: 248", "temperature:248"))
        .temperature().isEmpty());
    assertEquals(20, DumpsysBattery.parse(Fixtures.DUMPSYS_BATTERY.replace("level: 94", "level:\t20")).percent());
  }

  @Test
  void aNegativeTemperatureIsNoTemperature() {
    assertTrue(DumpsysBattery.parse(Fixtures.DUMPSYS_BATTERY.replace("temperature: 248", "temperature: -52"))
        .temperature().isEmpty());
  }

  @Test
  void noTemperatureWhenAbsent() {
    assertTrue(DumpsysBattery.parse(Fixtures.DUMPSYS_BATTERY.replace("  temperature: 248\n", ""))
        .temperature().isEmpty());
  }
}
