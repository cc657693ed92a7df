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
 *
 * A line is read exactly as the Go server read it, because a fleet served by both must quarantine
 * the same devices: a tab then {@code Temperature{} anywhere in the line (so one or more tabs may
 * lead); a value of digits and dots, so negative values ("not measured": -99.9 on devices without
 * the sensor) are skipped; an {@code mType} of digits, so sensors of type -1 (board and virtual
 * thermistors such as {@code neutral_therm} or {@code VIRTUAL-SKIN-CHARGE}) are skipped too; and
 * whitespace after each comma.
 */
final class ThermalService {
  private static final String SECTION = "Current temperatures from HAL";
  private static final Pattern TEMPERATURE = Pattern.compile(
      "\tTemperature\\{mValue=([0-9.]+),[\t\n\f\r ]+mType=[0-9]+,[\t\n\f\r ]+mName=([^,]+),[\t\n\f\r ]+mStatus=[0-9]");
  /** Values over this come from devices that report milli-degrees. */
  private static final double MILLI_DEGREES_ABOVE = 1000;

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
        celsius(m.group(1)).ifPresent(value -> temperatures.put(m.group(2), value));
      }
    }
    return temperatures;
  }

  /** Empty for digits and dots that are no number ("1.2.3") or too large to be finite. */
  private static OptionalDouble celsius(String digitsAndDots) {
    double value;
    try {
      value = Double.parseDouble(digitsAndDots);
    } catch (NumberFormatException e) {
      return OptionalDouble.empty();
    }
    if (Double.isInfinite(value)) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(value > MILLI_DEGREES_ABOVE ? value / 1000 : value);
  }
}
