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
    assertEquals(11, temperatures.size());
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
        + "\tTemperature{mValue=31.5, mType=0, mName=d, mStatus=0}\n";

    assertEquals(Map.of("d", 31.5), ThermalService.temperatures(out));
  }
}
