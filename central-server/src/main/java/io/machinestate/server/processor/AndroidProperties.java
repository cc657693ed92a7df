package io.machinestate.server.processor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The output of {@code adb shell getprop}, one property a line:
 *
 * <pre>
 * [ro.product.model]: [Pixel 7]
 * [ro.build.id]: [TQ3A.230901.001]
 * </pre>
 *
 * Lines of any other shape (continuations of multi-line values, warnings) are skipped; a key
 * given twice keeps its last value.
 */
final class AndroidProperties {
  private final Map<String, String> properties;

  private AndroidProperties(Map<String, String> properties) {
    this.properties = properties;
  }

  /**
   * Reads the lines as the Go server's regexp {@code ^\[(.+)\]:\s*\[(.*)\]} (multi-line) did, by
   * hand: a getprop of a thousand lines made that regexp a twentieth of the server's CPU per event.
   * Both brackets are greedy, so keys and values may hold brackets; only "\n" ends a line, though
   * the blanks between key and value may span lines.
   */
  static AndroidProperties parse(String getprop) {
    return new AndroidProperties(read(getprop));
  }

  /** Every property of the text, by key. */
  static Map<String, String> read(String getprop) {
    Map<String, String> properties = new HashMap<>();
    int lineStart = 0;
    while (lineStart < getprop.length()) {
      int end = property(getprop, lineStart, properties);
      int newline = getprop.indexOf('\n', end < 0 ? lineStart : end);
      if (newline < 0) {
        break;
      }
      lineStart = newline + 1;
    }
    return properties;
  }

  /** Reads the property at the start of a line into {@code properties}; where it ends, or -1 if none. */
  private static int property(String text, int start, Map<String, String> properties) {
    if (text.charAt(start) != '[') {
      return -1;
    }
    int lineEnd = endOfLine(text, start);
    // the key's "]:" as far right as a value after it allows
    for (int colon = text.lastIndexOf("]:", lineEnd - 2); colon >= start + 2; colon = text.lastIndexOf("]:", colon - 1)) {
      int open = colon + 2;
      while (open < text.length() && isBlank(text.charAt(open))) {
        open++;
      }
      if (open == text.length() || text.charAt(open) != '[') {
        continue;
      }
      int close = text.lastIndexOf(']', endOfLine(text, open) - 1);
      if (close > open) {
        properties.put(text.substring(start + 1, colon), text.substring(open + 1, close));
        return close + 1;
      }
    }
    return -1;
  }

  private static int endOfLine(String text, int from) {
    int newline = text.indexOf('\n', from);
    return newline < 0 ? text.length() : newline;
  }

  /** Go's \s: no vertical tab. */
  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
  }

  /** The value of a property, or "" when absent. */
  String get(String key) {
    return properties.getOrDefault(key, "");
  }

  /**
   * The dimensions an Android device gives Swarming. Every key this rule owns is present, empty
   * when the properties say nothing, so that a value from an earlier device does not linger.
   */
  Map<String, List<String>> dimensions() {
    Map<String, List<String>> dims = new TreeMap<>();
    List<String> deviceOs = deviceOs();
    dims.put("device_os", List.copyOf(deviceOs));
    dims.put("device_os_flavor", distinct(AndroidProperties::flavor, "ro.product.brand", "ro.product.system.brand"));
    dims.put("device_os_type", distinct(UnaryOperator.identity(), "ro.build.type"));
    dims.put(Dimensions.DEVICE_TYPE,
        distinct(UnaryOperator.identity(), "ro.product.device", "ro.build.product", "ro.product.board"));
    boolean android = !deviceOs.isEmpty();
    dims.put("android_devices", android ? List.of("1") : List.of());
    dims.put(Dimensions.OS, android ? List.of("Android") : List.of());
    // HWASan builds of Android are named like "aosp_sunfish_hwasan"; tasks using the sanitizer ask for them.
    dims.put("android_hwasan_build", get("ro.product.name").endsWith("_hwasan") ? List.of("1") : List.of());
    return dims;
  }

  /**
   * The build id; then the build id with the incremental build number, because some vendors ship
   * updates without changing the build id; then the first characters (the Android release letter,
   * e.g. "T" for TQ3A.230901.001); sorted.
   *
   * <p>A first character is added as the Go server added it: when it is ASCII and not a lower-case
   * letter, so a digit too ("12345" adds "1"), and never a non-ASCII character (Go took the first
   * byte, which upper-casing changes). The Go server crashed on an incremental without a build id;
   * here the incremental is then ignored.
   */
  private List<String> deviceOs() {
    List<String> os = distinct(UnaryOperator.identity(), "ro.build.id");
    String incremental = get("ro.build.version.incremental");
    if (!os.isEmpty() && !incremental.isEmpty()) {
      os.add(os.get(0) + "_" + incremental);
    }
    for (String value : List.copyOf(os)) {
      char first = value.charAt(0);
      String letter = String.valueOf(first);
      if (first < 0x80 && (first < 'a' || first > 'z') && !os.contains(letter)) {
        os.add(letter);
      }
    }
    os.sort(null);
    return os;
  }

  private static String flavor(String brand) {
    String lower = brand.toLowerCase(Locale.ROOT);
    return lower.equals("aosp") ? "android" : lower;
  }

  /** The non-empty values of the given properties, in that order, each transformed, without duplicates. */
  private List<String> distinct(UnaryOperator<String> transform, String... keys) {
    List<String> values = new ArrayList<>();
    for (String key : keys) {
      String value = get(key);
      if (!value.isEmpty()) {
        String transformed = transform.apply(value);
        if (!values.contains(transformed)) {
          values.add(transformed);
        }
      }
    }
    return values;
  }
}
