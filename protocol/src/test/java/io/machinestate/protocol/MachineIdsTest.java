package io.machinestate.protocol;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class MachineIdsTest {
  @Test
  void acceptsLabNames() {
    assertNull(MachineIds.problem("skia-rpi2-rack4-shelf1-002"));
    assertNull(MachineIds.problem("skia-e-win-001.c.skia.internal"));
    assertNull(MachineIds.problem("a".repeat(256)));
  }

  @Test
  void refusesWhatWouldBreakPathsOrLogs() {
    assertNotNull(MachineIds.problem(""));
    assertNotNull(MachineIds.problem(null));
    assertNotNull(MachineIds.problem("a".repeat(257)));
    assertNotNull(MachineIds.problem("rack/1"));
    assertNotNull(MachineIds.problem("rack\\1"));
    assertNotNull(MachineIds.problem("line\nbreak"));
    assertNotNull(MachineIds.problem("nul\u0000"));
  }
}
