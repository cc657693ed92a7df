package io.machinestate.protocol;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Time values as the Go implementation writes them: RFC 3339 with up to nanoseconds, trailing zeros
 * dropped. Every event and Description holds several, so the usual shapes are read and written by
 * hand (a {@link DateTimeFormatter} costs some ten times more); anything else goes to the formatter.
 */
public final class Times {
  /** Go's zero {@code time.Time}, written {@code 0001-01-01T00:00:00Z}. */
  public static final Instant ZERO = Instant.parse("0001-01-01T00:00:00Z");
  private static final long FIRST_SECOND = ZERO.getEpochSecond();
  private static final long LAST_SECOND = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

  private Times() {}

  public static boolean isZero(Instant t) {
    return t == null || t.equals(ZERO);
  }

  /** Formats like Go's {@code time.RFC3339Nano}. */
  public static String format(Instant t) {
    if (t.getEpochSecond() < FIRST_SECOND || t.getEpochSecond() > LAST_SECOND) {
      return formatted(DateTimeFormatter.ISO_INSTANT.format(t)); // years of other than four digits
    }
    LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC);
    StringBuilder s = new StringBuilder(30);
    digits(s, d.getYear(), 4).append('-');
    digits(s, d.getMonthValue(), 2).append('-');
    digits(s, d.getDayOfMonth(), 2).append('T');
    digits(s, d.getHour(), 2).append(':');
    digits(s, d.getMinute(), 2).append(':');
    digits(s, d.getSecond(), 2);
    int nanos = t.getNano();
    if (nanos != 0) {
      int width = 9;
      while (nanos % 10 == 0) {
        nanos /= 10;
        width--;
      }
      digits(s.append('.'), nanos, width);
    }
    return s.append('Z').toString();
  }

  /** ISO_INSTANT's text with the fraction's trailing zeros dropped. */
  private static String formatted(String s) {
    int dot = s.indexOf('.');
    if (dot < 0) {
      return s;
    }
    int last = s.length() - 2; // before the 'Z'
    while (last > dot && s.charAt(last) == '0') {
      last--;
    }
    return last == dot ? s.substring(0, dot) + "Z" : s.substring(0, last + 1) + "Z";
  }

  private static StringBuilder digits(StringBuilder s, int value, int width) {
    String v = Integer.toString(value);
    for (int i = v.length(); i < width; i++) {
      s.append('0');
    }
    return s.append(v);
  }

  /** Parses any RFC 3339 time, with or without a fraction, in UTC or with an offset. */
  public static Instant parse(String s) {
    Instant fast = parseUsual(s);
    return fast != null ? fast : OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
  }

  /**
   * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|±hh:mm)} with valid fields, or null for the formatter to
   * read (or refuse) whatever else.
   */
  private static Instant parseUsual(String s) {
    int n = s.length();
    if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return null;
    }
    int year = number(s, 0, 4);
    int month = number(s, 5, 7);
    int day = number(s, 8, 10);
    int hour = number(s, 11, 13);
    int minute = number(s, 14, 16);
    int second = number(s, 17, 19);
    int i = 19;
    int nanos = 0;
    if (s.charAt(i) == '.') {
      int start = ++i;
      while (i < n && i - start < 10 && isDigit(s.charAt(i))) {
        nanos = nanos * 10 + s.charAt(i++) - '0';
      }
      int width = i - start;
      if (width == 0 || width > 9) {
        return null;
      }
      for (int w = width; w < 9; w++) {
        nanos *= 10;
      }
    }
    int offsetSeconds;
    if (i == n - 1 && s.charAt(i) == 'Z') {
      offsetSeconds = 0;
    } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
      int hours = number(s, i + 1, i + 3);
      int minutes = number(s, i + 4, i + 6);
      if (hours < 0 || minutes < 0 || minutes > 59) {
        return null;
      }
      offsetSeconds = (s.charAt(i) == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
    } else {
      return null;
    }
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
      return null;
    }
    try {
      long epoch = LocalDateTime.of(year, month, day, hour, minute, second)
          .toEpochSecond(ZoneOffset.ofTotalSeconds(offsetSeconds));
      return Instant.ofEpochSecond(epoch, nanos);
    } catch (DateTimeException e) {
      return null; // a field out of range: the formatter says which
    }
  }

  /** The decimal digits {@code s[from, to)}, or -1 if any is not a digit. */
  private static int number(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      v = v * 10 + c - '0';
    }
    return v;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** What the store keeps: UTC, milliseconds. */
  public static Instant toMillis(Instant t) {
    return t.truncatedTo(ChronoUnit.MILLIS);
  }
}
