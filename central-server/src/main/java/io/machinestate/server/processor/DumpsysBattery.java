package io.machinestate.server.processor;

import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * A number is read as the Go server read it, so both servers see the same charge: the first
 * {@code level:} (or {@code scale:}, {@code temperature:}) followed by whitespace and decimal
 * digits; {@code level:20} without the space is no level. Unlike the Go server, the key must begin
 * its line: Android 14 also prints {@code Capacity level: 4} (an enum, not a percentage), which the
 * Go server took for a 4 % battery when the level line was missing. Lines may end in CR LF (some
 * devices write them so).
 */
final class DumpsysBattery {
  /** The battery level when it cannot be read. */
  static final int UNREADABLE = -99;

  private static final Pattern LEVEL = field("level");
  private static final Pattern SCALE = field("scale");
  private static final Pattern TEMPERATURE = field("temperature");

  private final String dumpsys;

  private DumpsysBattery(String dumpsys) {
    this.dumpsys = dumpsys;
  }

  static DumpsysBattery parse(String dumpsys) {
    return new DumpsysBattery(dumpsys);
  }

  /** Go's {@code \s} is these five; Java's would add vertical tab. */
  private static Pattern field(String key) {
    return Pattern.compile("^[\t\f\r ]*" + key + ":[\t\n\f\r ]+([0-9]+)\\b", Pattern.MULTILINE | Pattern.UNIX_LINES);
  }

  /** The charge in percent, 100 * level / scale; {@link #UNREADABLE} when either is missing or scale is 0. */
  int percent() {
    OptionalLong level = number(LEVEL);
    OptionalLong scale = number(SCALE);
    if (level.isEmpty() || scale.isEmpty() || scale.getAsLong() == 0) {
      return UNREADABLE;
    }
    return (int) (100 * level.getAsLong() / scale.getAsLong());
  }

  /** The battery temperature in °C; dumpsys gives tenths of a degree. */
  OptionalDouble temperature() {
    OptionalLong tenths = number(TEMPERATURE);
    return tenths.isPresent() ? OptionalDouble.of(tenths.getAsLong() / 10.0) : OptionalDouble.empty();
  }

  /** The first match's digits; empty when there is none or it overflows, as Go's 64-bit Atoi fails. */
  private OptionalLong number(Pattern field) {
    Matcher m = field.matcher(dumpsys);
    if (!m.find()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(m.group(1)));
    } catch (NumberFormatException tooLarge) {
      return OptionalLong.empty();
    }
  }
}
