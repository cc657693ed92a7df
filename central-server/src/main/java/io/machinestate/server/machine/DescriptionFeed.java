package io.machinestate.server.machine;

import io.machinestate.protocol.Description;
import io.machinestate.server.sse.Broadcaster;
import io.machinestate.server.sse.Mailbox;
import io.machinestate.server.store.ChangeSink;
import io.machinestate.server.store.Versioned;

/** Each machine's changes, for the subscribers of its SSE stream, never an older after a newer. */
public final class DescriptionFeed implements ChangeSink {
  private final Broadcaster<Versioned> broadcaster = new Broadcaster<>(() -> new Mailbox<>(Versioned::version));

  @Override
  public void changed(String machineId, long version, Description description) {
    broadcaster.publish(machineId, new Versioned(version, description));
  }

  @Override
  public void deleted(String machineId, long version) {
    // a deleted machine has nothing to announce; its agent's next event creates it again
  }

  Mailbox<Versioned> subscribe(String machineId) {
    return broadcaster.subscribe(machineId);
  }

  void unsubscribe(String machineId, Mailbox<Versioned> box) {
    broadcaster.unsubscribe(machineId, box);
  }

  public int subscribers() {
    return broadcaster.subscribers();
  }

  public void close() {
    broadcaster.close();
  }
}
