package io.machinestate.server.store;

import io.machinestate.protocol.Description;

/**
 * Learns of every committed change, whoever made it and through whichever replica. Called after
 * the commit, never inside it, with the version the change gave the machine ({@link Versioned}).
 */
public interface ChangeSink {
  void changed(String machineId, long version, Description description);

  void deleted(String machineId, long version);

  /** Announces each change to every sink in turn. */
  static ChangeSink of(ChangeSink... sinks) {
    return new ChangeSink() {
      @Override
      public void changed(String machineId, long version, Description description) {
        for (ChangeSink s : sinks) {
          s.changed(machineId, version, description);
        }
      }

      @Override
      public void deleted(String machineId, long version) {
        for (ChangeSink s : sinks) {
          s.deleted(machineId, version);
        }
      }
    };
  }
}
