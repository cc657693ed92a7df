package io.machinestate.server.processor;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Swarming dimension keys the processor writes, and the few list helpers its rules share. */
final class Dimensions {
  static final String ID = "id";
  static final String OS = "os";
  static final String DEVICE_TYPE = "device_type";
  static final String TMM_VERSION = "tmm_version";

  private Dimensions() {}

  /** A fresh, sorted copy; a null value list (possible in JSON) becomes an empty one. */
  static Map<String, List<String>> copy(Map<String, List<String>> dimensions) {
    Map<String, List<String>> copy = new TreeMap<>();
    if (dimensions != null) {
      dimensions.forEach((key, values) -> copy.put(key, list(values)));
    }
    return copy;
  }

  /** {@code [value]}, or empty when there is no value: the store drops empty dimensions. */
  static List<String> one(String value) {
    return value == null || value.isEmpty() ? List.of() : List.of(value);
  }

  /** An unmodifiable copy of values as an agent sent them; null reads as empty. */
  static List<String> list(List<String> values) {
    return values == null ? List.of() : values.stream().map(v -> v == null ? "" : v).toList();
  }
}
