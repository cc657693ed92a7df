package io.machinestate.server.machine;

import io.machinestate.protocol.Description;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How much one machine may put in its Description, and so in the metrics, whatever its agent
 * sends: each sensor becomes a Prometheus series and each dimension reaches Swarming, so an agent
 * gone wrong (or a stolen agent token) must not grow them without end. What is over a limit is
 * left out, never cut short (a truncated name or value would be a different, wrong one), and
 * {@link Limited#reasons} says what was left out. A real Android device has a few dozen sensors
 * and a host a few dozen dimensions of a few values each.
 */
public final class MachineLimits {
  public static final int MAX_SENSORS = 100;
  /** Sensor names and dimension keys. */
  public static final int MAX_NAME_CHARS = 128;
  public static final int MAX_DIMENSIONS = 64;
  public static final int MAX_VALUES_PER_DIMENSION = 32;
  /** Dimension values and the agent's version. */
  public static final int MAX_VALUE_CHARS = 256;

  /** A Description within the limits, and what was left out of it; no reasons when nothing was. */
  public record Limited(Description description, List<String> reasons) {}

  private MachineLimits() {}

  public static Limited apply(Description d) {
    List<String> reasons = new ArrayList<>();
    Description.Builder b = d.toBuilder();
    if (d.temperature() != null) {
      Map<String, Double> kept = sensors(d.temperature());
      if (kept.size() < d.temperature().size()) {
        reasons.add((d.temperature().size() - kept.size()) + " of " + d.temperature().size()
            + " sensors left out (at most " + MAX_SENSORS + ", names up to " + MAX_NAME_CHARS + " characters)");
        b.temperature(kept);
      }
    }
    Map<String, List<String>> dims = dimensions(d.dimensions(), reasons);
    if (dims != null) {
      b.dimensions(dims);
    }
    if (d.version().length() > MAX_VALUE_CHARS) {
      reasons.add("version of " + d.version().length() + " characters left out (at most " + MAX_VALUE_CHARS + ")");
      b.version("");
    }
    return new Limited(reasons.isEmpty() ? d : b.build(), List.copyOf(reasons));
  }

  /**
   * The sensors within the limits: names not too long, the first {@link #MAX_SENSORS} by name. The
   * map itself when all are, as for every real device: this runs for every event.
   */
  public static Map<String, Double> sensors(Map<String, Double> temperatures) {
    if (temperatures.size() <= MAX_SENSORS && temperatures.keySet().stream().allMatch(n -> n.length() <= MAX_NAME_CHARS)) {
      return temperatures;
    }
    Map<String, Double> kept = new LinkedHashMap<>();
    new TreeMap<>(temperatures).forEach((name, value) -> {
      if (kept.size() < MAX_SENSORS && name.length() <= MAX_NAME_CHARS) {
        kept.put(name, value);
      }
    });
    return kept;
  }

  /** The dimensions within the limits, or null when all were. */
  private static Map<String, List<String>> dimensions(Map<String, List<String>> dims, List<String> reasons) {
    if (dims.size() <= MAX_DIMENSIONS && dims.entrySet().stream().allMatch(MachineLimits::within)) {
      return null;
    }
    Map<String, List<String>> kept = new TreeMap<>();
    int keys = 0;
    int values = 0;
    for (Map.Entry<String, List<String>> e : new TreeMap<>(dims).entrySet()) {
      if (e.getKey().length() > MAX_NAME_CHARS || kept.size() == MAX_DIMENSIONS) {
        keys++;
        continue;
      }
      List<String> given = e.getValue() == null ? List.of() : e.getValue();
      List<String> ok = given.stream()
          .filter(v -> v == null || v.length() <= MAX_VALUE_CHARS)
          .limit(MAX_VALUES_PER_DIMENSION)
          .toList();
      values += given.size() - ok.size();
      kept.put(e.getKey(), ok.size() == given.size() ? e.getValue() : ok);
    }
    if (keys > 0) {
      reasons.add(keys + " of " + dims.size() + " dimensions left out (at most " + MAX_DIMENSIONS
          + ", keys up to " + MAX_NAME_CHARS + " characters)");
    }
    if (values > 0) {
      reasons.add(values + " dimension values left out (at most " + MAX_VALUES_PER_DIMENSION
          + " per dimension, each up to " + MAX_VALUE_CHARS + " characters)");
    }
    return kept;
  }

  private static boolean within(Map.Entry<String, List<String>> dimension) {
    List<String> values = dimension.getValue() == null ? List.of() : dimension.getValue();
    return dimension.getKey().length() <= MAX_NAME_CHARS && values.size() <= MAX_VALUES_PER_DIMENSION
        && values.stream().allMatch(v -> v == null || v.length() <= MAX_VALUE_CHARS);
  }
}
