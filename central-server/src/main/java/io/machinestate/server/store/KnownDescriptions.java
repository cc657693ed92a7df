package io.machinestate.server.store;

import io.machinestate.protocol.Description;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Description of each machine at the version this replica last wrote or read, so that a write
 * finding its row still at that version needs neither the stored JSON nor parsing it. A version
 * never names two different Descriptions of one machine: each write gives it a higher one, and
 * only committed rows are ever read or remembered.
 */
final class KnownDescriptions implements ChangeSink {
  private final Map<String, Versioned> byMachine = new ConcurrentHashMap<>();

  /** The machine's Description as last known, or null. */
  Versioned get(String machineId) {
    return byMachine.get(machineId);
  }

  @Override
  public void changed(String machineId, long version, Description description) {
    byMachine.put(machineId, new Versioned(version, description));
  }

  @Override
  public void deleted(String machineId, long version) {
    byMachine.remove(machineId);
  }
}
