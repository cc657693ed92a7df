package io.machinestate.server.machine;

import io.machinestate.protocol.Description;
import io.machinestate.server.store.Versioned;
import java.util.Map;
import java.util.function.Function;

/**
 * One message of the fleet's stream: a machine's Description, its deletion, or the end of the
 * snapshot a stream starts with ({@code synced}). One instance goes to every subscriber, so its
 * JSON is made once however many consoles are open.
 */
final class FleetMessage {
  enum Kind { CHANGED, DELETED, SYNCED }

  private final Kind kind;
  private final String machineId;
  private final long version;
  private final Description description; // null for a deletion and for synced
  private volatile String data; // made by the first subscriber to send it; the same for all

  private FleetMessage(Kind kind, String machineId, long version, Description description) {
    this.kind = kind;
    this.machineId = machineId;
    this.version = version;
    this.description = description;
  }

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

  Kind kind() {
    return kind;
  }

  long version() {
    return version;
  }

  /** The mailbox slot: one per machine, and one of its own for {@code synced} (machine ids are never empty). */
  String key() {
    return machineId;
  }

  /** The message's data: the Description, {@code {"MachineID": id}} for a deletion, {@code {}} for synced. */
  String data(Function<Object, String> encode) {
    String d = data;
    if (d == null) {
      d = switch (kind) {
        case CHANGED -> encode.apply(description);
        case DELETED -> encode.apply(Map.of("MachineID", machineId));
        case SYNCED -> "{}";
      };
      data = d;
    }
    return d;
  }
}
