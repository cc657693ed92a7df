package io.machinestate.server.processor;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The output of {@code adb shell dumpsys battery}, indented {@code key: value} lines:
 *
 * <pre>
 * Current Battery Service state:
 *   AC powered: false
 *   level: 94
 *   scale: 100
 *   temperature: 248
 * </pre>
 *
 * A key given twice keeps its first value. Lines may end in CR LF (some devices write them so).
 */
final class DumpsysBattery {
  /** The battery level when it cannot be read. */
  static final int UNREADABLE = -99;

  private final Map<String, String> fields;

  private DumpsysBattery(Map<String, String> fields) {
    this.fields = fields;
  }

  static DumpsysBattery parse(String dumpsys) {
    Map<String, String> fields = new HashMap<>();
    for (String line : dumpsys.split("\n")) {
      String trimmed = line.strip();
      int colon = trimmed.indexOf(':');
      if (colon > 0) {
        fields.putIfAbsent(trimmed.substring(0, colon), trimmed.substring(colon + 1).strip());
      }
    }
    return new DumpsysBattery(fields);
  }

  /** The charge in percent, 100 * level / scale; {@link #UNREADABLE} when either is missing or scale is 0. */
  int percent() {
    OptionalInt level = number("level");
    OptionalInt scale = number("scale");
    if (level.isEmpty() || scale.isEmpty() || scale.getAsInt() == 0) {
      return UNREADABLE;
    }
    return (int) (100L * level.getAsInt() / scale.getAsInt());
  }

  /** The battery temperature in °C; dumpsys gives tenths of a degree. */
  OptionalDouble temperature() {
    OptionalInt tenths = number("temperature");
    return tenths.isPresent() ? OptionalDouble.of(tenths.getAsInt() / 10.0) : OptionalDouble.empty();
  }

  /** A field made of decimal digits only, as the Go implementation accepted. */
  private OptionalInt number(String key) {
    String value = fields.getOrDefault(key, "");
    if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseInt(value));
    } catch (NumberFormatException tooLarge) {
      return OptionalInt.empty();
    }
  }
}
