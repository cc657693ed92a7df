package io.machinestate.protocol;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Whether a host name or address stays on this machine, decided without asking DNS. */
public final class Loopback {
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  private Loopback() {}

  /**
   * True for {@code localhost} and for loopback address literals ({@code 127.0.0.0/8}, {@code ::1},
   * with or without IPv6 brackets). Any other name is not loopback, whatever DNS says of it today:
   * that answer can change, which is what DNS rebinding plays on.
   */
  public static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost")) {
      return true;
    }
    Matcher v4 = IPV4.matcher(h);
    if (v4.matches()) {
      for (int i = 1; i <= 4; i++) {
        if (Integer.parseInt(v4.group(i)) > 255) {
          return false;
        }
      }
      return v4.group(1).equals("127");
    }
    if (!h.contains(":")) {
      return false;
    }
    try {
      // In brackets InetAddress takes only an IPv6 literal, never a name to look up.
      return InetAddress.getByName("[" + h + "]").isLoopbackAddress();
    } catch (UnknownHostException notALiteral) {
      return false;
    }
  }
}
