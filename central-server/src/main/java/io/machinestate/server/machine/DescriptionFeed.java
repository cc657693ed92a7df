package io.machinestate.server.machine;

import io.machinestate.protocol.Description;
import io.machinestate.server.sse.Broadcaster;
import io.machinestate.server.sse.Mailbox;
import io.machinestate.server.store.ChangeSink;

/** Each machine's changes, for the subscribers of its SSE stream. */
public final class DescriptionFeed implements ChangeSink {
  private final Broadcaster<Description> broadcaster = new Broadcaster<>();

  @Override
  public void changed(String machineId, Description description) {
    broadcaster.publish(machineId, description);
  }

  @Override
  public void deleted(String machineId) {
    // a deleted machine has nothing to announce; its agent's next event creates it again
  }

  Mailbox<Description> subscribe(String machineId) {
    return broadcaster.subscribe(machineId);
  }

  void unsubscribe(String machineId, Mailbox<Description> box) {
    broadcaster.unsubscribe(machineId, box);
  }

  public int subscribers() {
    return broadcaster.subscribers();
  }

  public void close() {
    broadcaster.close();
  }
}
