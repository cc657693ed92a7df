package io.machinestate.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.machinestate.protocol.Annotation;
import io.machinestate.protocol.Description;
import io.machinestate.server.ServerConfig.Pool;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WriteRulesTest {
  private final WriteRules rules = new WriteRules(List.of(
      new Pool("SkiaInternal", "^skia-i-"),
      new Pool("Skia", "^skia-")));

  @Test
  void poolIsTheFirstWhoseRegexMatches() {
    assertEquals(List.of("SkiaInternal"), dims("skia-i-rpi-001", Map.of()).get("pool"));
    assertEquals(List.of("Skia"), dims("skia-e-linux-001", Map.of()).get("pool"));
    assertEquals(List.of("PoolNotFound"), dims("other-host", Map.of()).get("pool"));
  }

  @Test
  void aSingleConfiguredPoolIsKeptAnythingElseReplaced() {
    assertEquals(List.of("Skia"), dims("skia-i-rpi-001", Map.of("pool", List.of("Skia"))).get("pool"));
    assertEquals(List.of("SkiaInternal"), dims("skia-i-rpi-001", Map.of("pool", List.of("Nope"))).get("pool"));
    assertEquals(List.of("SkiaInternal"),
        dims("skia-i-rpi-001", Map.of("pool", List.of("Skia", "SkiaInternal"))).get("pool"));
  }

  @Test
  void emptyDimensionsDroppedTaskTypeDefaultedIdEnsured() {
    Map<String, List<String>> d = dims("skia-1", Map.of("gpu", List.of(), "task_type", List.of("other")));
    assertFalse(d.containsKey("gpu"));
    assertEquals(List.of("other"), d.get("task_type"));
    assertEquals(List.of("skia-1"), d.get("id"));
    assertEquals(List.of("swarming"), dims("skia-1", Map.of()).get("task_type"));
  }

  @Test
  void quarantinedDimensionListsEveryReason() {
    Description d = Description.builder().maintenanceMode("op 2026-11-24T10:00:00Z").isQuarantined(true)
        .recovering("Too hot.").dimensions(Map.of("quarantined", List.of("stale"))).build();
    assertEquals(List.of("Maintenance: op 2026-11-24T10:00:00Z, Forced Quarantine, Recovering: Too hot."),
        rules.apply("skia-1", d).dimensions().get("quarantined"));
    Description healthy = Description.builder().dimensions(Map.of("quarantined", List.of("stale"))).build();
    assertFalse(rules.apply("skia-1", healthy).dimensions().containsKey("quarantined"));
  }

  @Test
  void timesAreTruncatedToMilliseconds() {
    Instant t = Instant.parse("2026-11-24T10:00:00.123456789Z");
    Instant ms = Instant.parse("2026-11-24T10:00:00.123Z");
    Description d = rules.apply("skia-1", Description.builder().lastUpdated(t).recoveryStart(t).taskStarted(t)
        .annotation(new Annotation("a", "u", t)).note(new Annotation("n", "u", t)).build());
    assertEquals(ms, d.lastUpdated());
    assertEquals(ms, d.recoveryStart());
    assertEquals(ms, d.taskStarted());
    assertEquals(ms, d.annotation().timestamp());
    assertEquals(ms, d.note().timestamp());
  }

  private Map<String, List<String>> dims(String id, Map<String, List<String>> dims) {
    return rules.apply(id, Description.builder().dimensions(dims).build()).dimensions();
  }
}
