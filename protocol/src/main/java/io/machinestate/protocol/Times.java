package io.machinestate.protocol;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Time values as the Go implementation writes them: RFC 3339 with up to nanoseconds, trailing zeros dropped. */
public final class Times {
  /** Go's zero {@code time.Time}, written {@code 0001-01-01T00:00:00Z}. */
  public static final Instant ZERO = Instant.parse("0001-01-01T00:00:00Z");

  private Times() {}

  public static boolean isZero(Instant t) {
    return t == null || t.equals(ZERO);
  }

  /** Formats like Go's {@code time.RFC3339Nano}. */
  public static String format(Instant t) {
    String s = DateTimeFormatter.ISO_INSTANT.format(t);
    int dot = s.indexOf('.');
    if (dot < 0) {
      return s;
    }
    int end = s.length() - 1; // the 'Z'
    int last = end - 1;
    while (last > dot && s.charAt(last) == '0') {
      last--;
    }
    return last == dot ? s.substring(0, dot) + "Z" : s.substring(0, last + 1) + "Z";
  }

  /** Parses any RFC 3339 time, with or without a fraction, in UTC or with an offset. */
  public static Instant parse(String s) {
    return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
  }

  /** What the store keeps: UTC, milliseconds. */
  public static Instant toMillis(Instant t) {
    return t.truncatedTo(ChronoUnit.MILLIS);
  }
}
