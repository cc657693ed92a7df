package io.machinestate.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BuildStampTest {
  /** Maven wrote the stamp before the tests ran: a date, then the commit and the tree's state, or no-git. */
  @Test
  void theBuildIsStamped() {
    String version = BuildStamp.version();
    assertTrue(version.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ-([0-9a-f]{7,40}-(clean|dirty)|no-git)"), version);
  }
}
