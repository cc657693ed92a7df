package io.machinestate.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LogTextTest {
  @Test
  void lineBreaksAndOtherControlsAreWrittenAsEscapes() {
    assertEquals("a\\r\\nINFO fake\\tline\\u0000\\u001b[31m\\u2028\\\\n", LogText.of("a\r\nINFO fake\tline\u0000\u001b[31m\u2028\\n"));
  }

  @Test
  void printableTextIsUnchanged() {
    assertEquals("skia-e-linux-101 état ✓", LogText.of("skia-e-linux-101 état ✓"));
    assertEquals("null", LogText.of(null));
  }

  @Test
  void longTextIsCut() {
    String text = "x".repeat(LogText.MAX_CHARS + 5);
    assertEquals("x".repeat(LogText.MAX_CHARS) + "...(5 more characters)", LogText.of(text));
  }
}
