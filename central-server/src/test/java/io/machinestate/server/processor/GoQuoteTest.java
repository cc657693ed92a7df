package io.machinestate.server.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class GoQuoteTest {
  @Test
  void quotesLikeGoPercentQ() {
    assertEquals("\"root@skia-sparky360-03\"", GoQuote.quote("root@skia-sparky360-03"));
    assertEquals("\"a \\\"b\\\" \\\\ c\\n\\x01\"", GoQuote.quote("a \"b\" \\ c\n\u0001"));
    assertEquals("[\"sargo\"]", GoQuote.quote(List.of("sargo")));
    assertEquals("[\"sargo\" \"redfin\"]", GoQuote.quote(List.of("sargo", "redfin")));
    assertEquals("[]", GoQuote.quote(List.of()));
  }
}
