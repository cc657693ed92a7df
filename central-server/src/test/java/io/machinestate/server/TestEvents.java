package io.machinestate.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.machinestate.protocol.Event;
import io.machinestate.protocol.Json;
import java.time.Duration;
import java.time.Instant;

/** Event bodies for tests. */
public final class TestEvents {
  private TestEvents() {}

  /** An Android phone (a Pixel 3a, "sargo") at 94 % battery, up an hour. */
  public static String android(String machineId) {
    Event e = Event.rawState(new Event.Host(machineId, "v1.2", Instant.parse("2026-11-24T08:00:00Z")))
        .withAndroid(new Event.Android(
            "[ro.build.id]: [QP1A.190711.020]\n[ro.product.brand]: [google]\n[ro.product.device]: [sargo]\n",
            "Current Battery Service state:\n  level: 94\n  scale: 100\n  temperature: 248\n",
            "", Duration.ofHours(1)));
    try {
      return Json.newMapper().writeValueAsString(e);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
