package io.machinestate.server.store;

import io.machinestate.protocol.Description;

/** Learns of every committed change, whoever made it. Called after the commit, never inside it. */
public interface ChangeSink {
  void changed(String machineId, Description description);

  void deleted(String machineId);

  /** Announces each change to every sink in turn. */
  static ChangeSink of(ChangeSink... sinks) {
    return new ChangeSink() {
      @Override
      public void changed(String machineId, Description description) {
        for (ChangeSink s : sinks) {
          s.changed(machineId, description);
        }
      }

      @Override
      public void deleted(String machineId) {
        for (ChangeSink s : sinks) {
          s.deleted(machineId);
        }
      }
    };
  }
}
