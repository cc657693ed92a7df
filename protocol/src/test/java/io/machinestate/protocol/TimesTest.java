package io.machinestate.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimesTest {
  @ParameterizedTest
  @CsvSource({
      "2026-11-24T10:00:00Z, 2026-11-24T10:00:00Z",
      "2026-11-24T10:00:00.100Z, 2026-11-24T10:00:00.1Z",
      "2026-11-24T10:00:00.123456Z, 2026-11-24T10:00:00.123456Z",
      "2026-11-24T10:00:00.123456780Z, 2026-11-24T10:00:00.12345678Z",
      "0001-01-01T00:00:00Z, 0001-01-01T00:00:00Z"})
  void formatsLikeGoRfc3339Nano(String instant, String expected) {
    assertEquals(expected, Times.format(Instant.parse(instant)));
  }

  @ParameterizedTest
  @CsvSource({
      "2026-11-24T10:00:00.5+01:00, 2026-11-24T09:00:00.500Z",
      "2026-11-24T10:00:00-07:30, 2026-11-24T17:30:00Z"})
  void parsesOffsets(String text, String expected) {
    assertEquals(Instant.parse(expected), Times.parse(text));
  }
}
