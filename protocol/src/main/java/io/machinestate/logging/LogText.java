package io.machinestate.logging;

/**
 * Makes text a client controls safe to put in a log line: control characters (CR and LF above all,
 * which would let a request path or an event's type write a fake line of its own) and the Unicode
 * line and paragraph separators are written as escapes, and very long text is cut. Every log line
 * that carries client text passes it through {@link #of}: the central server's and the agents'.
 */
public final class LogText {
  /** Enough for any real path or name; a megabyte of header would otherwise flood the log. */
  public static final int MAX_CHARS = 300;

  private LogText() {}

  public static String of(Object value) {
    String text = String.valueOf(value);
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 16);
    int end = Math.min(text.length(), MAX_CHARS);
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\\' -> out.append("\\\\");
        default -> {
          if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    if (text.length() > end) {
      out.append("...(").append(text.length() - end).append(" more characters)");
    }
    return out.toString();
  }
}
