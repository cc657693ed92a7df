package io.machinestate.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimesTest {
  @ParameterizedTest
  @CsvSource({
      "2026-11-24T10:00:00Z, 2026-11-24T10:00:00Z",
      "2026-11-24T10:00:00.100Z, 2026-11-24T10:00:00.1Z",
      "2026-11-24T10:00:00.123456Z, 2026-11-24T10:00:00.123456Z",
      "2026-11-24T10:00:00.123456780Z, 2026-11-24T10:00:00.12345678Z",
      "2026-11-24T10:00:00.000000001Z, 2026-11-24T10:00:00.000000001Z",
      "0001-01-01T00:00:00Z, 0001-01-01T00:00:00Z",
      "+10000-01-01T00:00:00.5Z, +10000-01-01T00:00:00.5Z"})
  void formatsLikeGoRfc3339Nano(String instant, String expected) {
    assertEquals(expected, Times.format(Instant.parse(instant)));
  }

  @ParameterizedTest
  @CsvSource({
      "2026-11-24T10:00:00.5+01:00, 2026-11-24T09:00:00.500Z",
      "2026-11-24T10:00:00-07:30, 2026-11-24T17:30:00Z",
      "2026-11-24t10:00:00z, 2026-11-24T10:00:00Z",
      "2026-11-24T10:00:00+01:00:30, 2026-11-24T08:59:30Z"})
  void parsesOffsets(String text, String expected) {
    assertEquals(Instant.parse(expected), Times.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-02-29T10:00:00Z", "2026-13-01T10:00:00Z", "2026-11-24T24:00:00Z",
      "2026-11-24T10:60:00Z", "2026-11-24T10:00:00.1234567890Z", "2026-11-24T10:00:00+01:75",
      "2026-11-24T10:00:00+19:00", "2026-11-24T10:00:00", "2026-11-24 10:00:00Z", "2026-1-24T10:00:00Z", ""})
  void refusesWhatTheIsoFormatterRefuses(String text) {
    assertThrows(DateTimeParseException.class, () -> Times.parse(text));
  }

  @Test
  void readsAndWritesAsTheIsoFormatterDoes() {
    Random random = new Random(20261127);
    for (int i = 0; i < 20_000; i++) {
      Instant t = Instant.ofEpochSecond(random.nextLong(Times.ZERO.getEpochSecond(), 253402300800L),
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            default -> random.nextInt(1_000_000_000);
          });
      String go = Times.format(t);
      assertEquals(t, Instant.parse(go), go);
      assertEquals(DateTimeFormatter.ISO_INSTANT.format(t).replaceAll("\\.?0*Z$", "Z"), go.replaceAll("\\.?0*Z$", "Z"));
      assertEquals(t, Times.parse(go));
      ZoneOffset offset = ZoneOffset.ofTotalSeconds((random.nextInt(-18 * 4, 18 * 4 + 1)) * 15 * 60);
      String withOffset = OffsetDateTime.ofInstant(t, offset).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
      if (withOffset.length() > 25 || !withOffset.startsWith("-")) {
        assertEquals(t, Times.parse(withOffset), withOffset);
      }
    }
  }
}
