package io.machinestate.metrics;

/**
 * Prometheus' text exposition format (0.0.4), for metrics written by hand: the server's per-machine
 * gauges, tens of thousands of series a registry would make dear, and the edge agent's few, for
 * which a registry's classes would cost more memory than the agent's whole heap.
 */
public final class PrometheusText {
  private PrometheusText() {}

  /** The {@code # HELP} and {@code # TYPE} lines of a family; {@code type} is "gauge" or "counter". */
  public static StringBuilder header(StringBuilder text, String name, String type, String help) {
    return text.append("# HELP ").append(name).append(' ').append(help)
        .append("\n# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  /** A label value as the format escapes it: backslash, double quote and line feed. */
  public static StringBuilder label(StringBuilder text, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> text.append("\\\\");
        case '"' -> text.append("\\\"");
        case '\n' -> text.append("\\n");
        default -> text.append(c);
      }
    }
    return text;
  }

  /** A sample's value, as the format writes NaN and the infinities. */
  public static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    return Double.toString(v);
  }
}
