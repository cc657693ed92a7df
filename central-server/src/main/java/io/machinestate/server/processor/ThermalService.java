package io.machinestate.server.processor;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sensor temperatures from {@code adb shell dumpsys thermalservice}. Only the section that starts
 * with "Current temperatures from HAL" counts (the "Cached temperatures" above it may be stale); it
 * ends at the first line that does not start with a tab:
 *
 * <pre>
 * Current temperatures from HAL:
 * 	Temperature{mValue=28.000002, mType=2, mName=battery, mStatus=0}
 * 	Temperature{mValue=11900.0, mType=7, mName=ocp_gpu, mStatus=0}
 * Current cooling devices from HAL:
 * </pre>
 */
final class ThermalService {
  private static final String SECTION = "Current temperatures from HAL";
  private static final Pattern TEMPERATURE =
      Pattern.compile("^\tTemperature\\{mValue=([^,]+),\\s*mType=-?\\d+,\\s*mName=([^,]+),\\s*mStatus=");

  private ThermalService() {}

  /** Degrees Celsius by sensor name; a sensor listed twice keeps its last value. */
  static Map<String, Double> temperatures(String dumpsys) {
    Map<String, Double> temperatures = new TreeMap<>();
    boolean inSection = false;
    for (String line : dumpsys.split("\n")) {
      if (!inSection) {
        inSection = line.startsWith(SECTION);
        continue;
      }
      if (!line.startsWith("\t")) {
        break;
      }
      Matcher m = TEMPERATURE.matcher(line);
      if (m.find()) {
        celsius(m.group(1)).ifPresent(value -> temperatures.put(m.group(2).strip(), value));
      }
    }
    return temperatures;
  }

  /**
   * Negative values mean "not measured" (devices report -99.9 for sensors they lack); values over
   * 1000 come from devices that report milli-degrees.
   */
  private static OptionalDouble celsius(String text) {
    double value;
    try {
      value = Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      return OptionalDouble.empty();
    }
    if (!Double.isFinite(value) || Double.compare(value, 0.0) < 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(value > 1000 ? value / 1000 : value);
  }
}
