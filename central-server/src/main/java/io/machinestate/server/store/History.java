package io.machinestate.server.store;

import io.machinestate.protocol.Description;
import java.util.ArrayList;
import java.util.List;

/** The state changes of a machine worth keeping in its history, found by comparing two Descriptions. */
final class History {
  /** One line of history. */
  record Transition(String kind, String detail) {}

  private History() {}

  /** @param before null for a machine seen for the first time */
  static List<Transition> transitions(Description before, Description after) {
    List<Transition> t = new ArrayList<>();
    if (before == null) {
      t.add(new Transition("created", ""));
      before = Description.builder().build();
    }
    if (before.maintenanceMode().isEmpty() != after.maintenanceMode().isEmpty()) {
      t.add(after.maintenanceMode().isEmpty()
          ? new Transition("maintenance_off", "")
          : new Transition("maintenance_on", after.maintenanceMode()));
    }
    if (before.isQuarantined() != after.isQuarantined()) {
      t.add(new Transition(after.isQuarantined() ? "quarantine_on" : "quarantine_off", ""));
    }
    if (before.recovering().isEmpty() != after.recovering().isEmpty()) {
      t.add(after.recovering().isEmpty()
          ? new Transition("recovery_end", before.recovering())
          : new Transition("recovery_start", after.recovering()));
    }
    if (before.powerCycle() != after.powerCycle()) {
      t.add(new Transition(after.powerCycle() ? "powercycle_requested" : "powercycle_done", ""));
    }
    if (before.attachedDevice() != after.attachedDevice()) {
      t.add(new Transition("attached_device", before.attachedDevice().wire() + " -> " + after.attachedDevice().wire()));
    }
    String beforeDevice = before.dimension("device_type");
    String afterDevice = after.dimension("device_type");
    if (!beforeDevice.equals(afterDevice)) {
      if (!beforeDevice.isEmpty()) {
        t.add(new Transition("device_removed", beforeDevice));
      }
      if (!afterDevice.isEmpty()) {
        t.add(new Transition("device_attached", afterDevice));
      }
    }
    return t;
  }
}
