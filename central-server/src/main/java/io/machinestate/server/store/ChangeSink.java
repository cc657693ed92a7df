package io.machinestate.server.store;

import io.machinestate.protocol.Description;

/**
 * Learns of every committed change, whoever made it and through whichever replica. Called after
 * the commit, never inside it, with the version the change gave the machine ({@link Versioned}).
 */
public interface ChangeSink {
  void changed(String machineId, long version, Description description);

  void deleted(String machineId, long version);

  /**
   * A write of the machine may or may not have committed: the database did not confirm it. A sink
   * that can look finds out; the others learn of it like of any change, if it happened.
   */
  default void unconfirmed(String machineId) {}

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

      @Override
      public void unconfirmed(String machineId) {
        for (ChangeSink s : sinks) {
          s.unconfirmed(machineId);
        }
      }
    };
  }
}
