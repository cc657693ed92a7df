package io.machinestate.server.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ThermalServiceTest {
  @Test
  void currentTemperaturesOfARealDevice() {
    Map<String, Double> temperatures = ThermalService.temperatures(Fixtures.DUMPSYS_THERMALSERVICE);

    assertEquals(Fixtures.THERMALSERVICE_TEMPERATURES, temperatures);
  }

  @Test
  void crLfLines() {
    Map<String, Double> temperatures =
        ThermalService.temperatures(Fixtures.DUMPSYS_THERMALSERVICE.replace("\n", "\r\n"));

    assertEquals(33.800003, temperatures.get("BIG"));
    assertEquals(Fixtures.THERMALSERVICE_TEMPERATURES.size(), temperatures.size());
  }

  @Test
  void exactlyThousandIsDegreesNotMilliDegrees() {
    String out = "Current temperatures from HAL:\n\tTemperature{mValue=1000.0, mType=7, mName=x, mStatus=0}\n";

    assertEquals(Map.of("x", 1000.0), ThermalService.temperatures(out));
  }

  @Test
  void nothingWithoutTheCurrentSection() {
    String cachedOnly = Fixtures.DUMPSYS_THERMALSERVICE.replace("Current temperatures from HAL:", "Something else:");

    assertTrue(ThermalService.temperatures(cachedOnly).isEmpty());
    assertTrue(ThermalService.temperatures("").isEmpty());
  }

  @Test
  void skipsMalformedValues() {
    String out = "Current temperatures from HAL:\n"
        + "\tTemperature{mValue=NaN, mType=0, mName=a, mStatus=0}\n"
        + "\tTemperature{mValue=hot, mType=0, mName=b, mStatus=0}\n"
        + "\tTemperature{mValue=-0.0, mType=0, mName=c, mStatus=0}\n"
        + "\tTemperature{mValue=1.2.3, mType=0, mName=e, mStatus=0}\n"
        + "\tTemperature{mValue=3e1, mType=0, mName=f, mStatus=0}\n"
        + "\tTemperature{mValue=31.5, mType=0, mName=d, mStatus=0}\n";

    assertEquals(Map.of("d", 31.5), ThermalService.temperatures(out));
  }

  @Test
  void sensorsOfNegativeTypeAreSkippedAsTheGoServerSkippedThem() {
    String out = "Current temperatures from HAL:\n"
        + "\tTemperature{mValue=40.2, mType=-1, mName=VIRTUAL-SKIN-CHARGE, mStatus=0}\n"
        + "\tTemperature{mValue=38.0, mType=-1, mName=neutral_therm, mStatus=0}\n"
        + "\tTemperature{mValue=24.83324, mType=3, mName=VIRTUAL-SKIN, mStatus=0}\n";

    assertEquals(Map.of("VIRTUAL-SKIN", 24.83324), ThermalService.temperatures(out));
  }

  @Test
  void linesMayBeginWithSeveralTabs() {
    String out = "Current temperatures from HAL:\n"
        + "\t\tTemperature{mValue=36.6, mType=0, mName=cpu-1-0-usr, mStatus=1}\n"
        + "\t \tTemperature{mValue=30.1, mType=3, mName=skin-therm, mStatus=0}\n"
        + "\tTemperature{mValue=29.5, mType=2, mName=battery, mStatus=0}\n";

    assertEquals(Map.of("cpu-1-0-usr", 36.6, "skin-therm", 30.1, "battery", 29.5), ThermalService.temperatures(out));
  }

  @Test
  void aLineMustHaveTheGoServersShape() {
    String out = "Current temperatures from HAL:\n"
        + "\tTemperature{mValue=31.0,mType=0, mName=no-space, mStatus=0}\n"
        + "\tTemperature{mValue=32.0, mType=0, mName=no-status, mStatus=}\n"
        + "\tTemperature{mValue=33.0, mType=0, mName= spaced name , mStatus=0}\n";

    assertEquals(Map.of(" spaced name ", 33.0), ThermalService.temperatures(out));
  }
}
