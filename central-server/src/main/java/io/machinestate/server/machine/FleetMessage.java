package io.machinestate.server.machine;

import io.machinestate.protocol.Description;
import io.machinestate.server.store.Versioned;

/**
 * One message of the fleet's stream: a machine's Description, its deletion, or the end of the
 * snapshot a stream starts with ({@code synced}).
 *
 * @param description null for a deletion and for {@code synced}
 */
record FleetMessage(Kind kind, String machineId, long version, Description description) {
  enum Kind { CHANGED, DELETED, SYNCED }

  static FleetMessage changed(String machineId, Versioned v) {
    return new FleetMessage(Kind.CHANGED, machineId, v.version(), v.description());
  }

  static FleetMessage deleted(String machineId, long version) {
    return new FleetMessage(Kind.DELETED, machineId, version, null);
  }

  /** Offered after the snapshot, it follows the snapshot out of its subscriber's mailbox. */
  static FleetMessage synced() {
    return new FleetMessage(Kind.SYNCED, "", 0, null);
  }

  /** The mailbox slot: one per machine, and one of its own for {@code synced} (machine ids are never empty). */
  String key() {
    return machineId;
  }
}
