package io.machinestate.server.processor;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Go's {@code %q} formatting, so that messages read exactly as the Go server wrote them: a string
 * as {@code "root@skia-sparky360-03"}, a list as {@code ["sargo" "redfin"]}.
 */
final class GoQuote {
  private GoQuote() {}

  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\x%02x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  static String quote(List<String> list) {
    return list.stream().map(GoQuote::quote).collect(Collectors.joining(" ", "[", "]"));
  }
}
