package io.machinestate.agent.device;

import java.io.IOException;
import java.time.Duration;

/** Parsing shared by the devices that print {@code /proc/uptime}, and error text for bad outputs. */
final class ToolOutputs {
  private ToolOutputs() {}

  /** Parses {@code /proc/uptime}: seconds since boot, then idle seconds of all cores. */
  static Duration uptime(String procUptime) throws IOException {
    String[] fields = procUptime.strip().split("\\s+");
    try {
      double seconds = Double.parseDouble(fields[0]);
      if (fields.length != 2 || !(seconds > 0) || Double.isInfinite(seconds)) {
        throw new NumberFormatException();
      }
      return Duration.ofNanos((long) (seconds * 1e9));
    } catch (NumberFormatException e) {
      throw new IOException("not a /proc/uptime: " + abbreviate(procUptime));
    }
  }

  /** The start of a tool's output, quoted, for an error message. */
  static String abbreviate(String output) {
    String s = output.strip();
    return '"' + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + '"';
  }
}
