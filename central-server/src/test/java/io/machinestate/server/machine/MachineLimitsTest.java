package io.machinestate.server.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.protocol.Description;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MachineLimitsTest {
  private static final Description EMPTY = Description.newDescription(Instant.parse("2026-11-27T00:00:00Z"));

  @Test
  void aDescriptionWithinTheLimitsIsKeptAsItIs() {
    Description d = EMPTY.toBuilder()
        .temperature(Map.of("battery", 25.0, "cpu0", 31.0))
        .dimensions(Map.of("os", List.of("Android", "Android-14"), "device_type", List.of("oriole")))
        .build();
    MachineLimits.Limited limited = MachineLimits.apply(d);
    assertSame(d, limited.description());
    assertEquals(List.of(), limited.reasons());
  }

  @Test
  void whatIsOverALimitIsLeftOutAndSaid() {
    Map<String, Double> sensors = new HashMap<>();
    IntStream.range(0, MachineLimits.MAX_SENSORS + 1).forEach(i -> sensors.put("s%03d".formatted(i), 1.0));
    sensors.put("n".repeat(MachineLimits.MAX_NAME_CHARS + 1), 1.0);
    Map<String, List<String>> dims = new HashMap<>();
    dims.put("os", IntStream.range(0, MachineLimits.MAX_VALUES_PER_DIMENSION + 1).mapToObj(i -> "v" + i).toList());
    dims.put("k".repeat(MachineLimits.MAX_NAME_CHARS + 1), List.of("x"));
    dims.put("gpu", List.of("ok", "v".repeat(MachineLimits.MAX_VALUE_CHARS + 1)));

    MachineLimits.Limited limited = MachineLimits.apply(EMPTY.toBuilder().temperature(sensors).dimensions(dims).build());

    Map<String, Double> kept = limited.description().temperature();
    assertEquals(MachineLimits.MAX_SENSORS, kept.size());
    assertTrue(kept.containsKey("s000") && !kept.containsKey("s100"), kept.keySet().toString());
    Map<String, List<String>> keptDims = limited.description().dimensions();
    assertEquals(MachineLimits.MAX_VALUES_PER_DIMENSION, keptDims.get("os").size());
    assertEquals(List.of("ok"), keptDims.get("gpu"));
    assertEquals(2, keptDims.size(), keptDims.keySet().toString());
    assertEquals(List.of(
        "2 of 102 sensors left out (at most 100, names up to 128 characters)",
        "1 of 3 dimensions left out (at most 64, keys up to 128 characters)",
        "2 dimension values left out (at most 32 per dimension, each up to 256 characters)"), limited.reasons());
  }
}
