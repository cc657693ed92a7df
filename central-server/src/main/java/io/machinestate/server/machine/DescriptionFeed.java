package io.machinestate.server.machine;

import io.machinestate.protocol.Description;
import io.machinestate.server.sse.Broadcaster;
import io.machinestate.server.sse.Mailbox;
import io.machinestate.server.store.ChangeSink;
import io.machinestate.server.store.Versioned;

/**
 * Machines' changes for the subscribers of their SSE streams, never an older after a newer: each
 * machine's own stream, and the fleet's stream of every machine.
 */
public final class DescriptionFeed implements ChangeSink {
  private static final String FLEET = "";

  private final Broadcaster<Versioned> machines = new Broadcaster<>(() -> new Mailbox<>(Versioned::version));
  private final Broadcaster<FleetMessage> fleet =
      new Broadcaster<>(() -> new Mailbox<>(FleetMessage::key, FleetMessage::version));

  @Override
  public void changed(String machineId, long version, Description description) {
    Versioned v = new Versioned(version, description);
    machines.publish(machineId, v);
    fleet.publish(FLEET, FleetMessage.changed(machineId, v));
  }

  @Override
  public void deleted(String machineId, long version) {
    // a deleted machine's own stream has nothing to announce: its agent's next event creates it again
    fleet.publish(FLEET, FleetMessage.deleted(machineId, version));
  }

  Mailbox<Versioned> subscribe(String machineId) {
    return machines.subscribe(machineId);
  }

  void unsubscribe(String machineId, Mailbox<Versioned> box) {
    machines.unsubscribe(machineId, box);
  }

  Mailbox<FleetMessage> subscribeFleet() {
    return fleet.subscribe(FLEET);
  }

  void unsubscribeFleet(Mailbox<FleetMessage> box) {
    fleet.unsubscribe(FLEET, box);
  }

  public int subscribers() {
    return machines.subscribers() + fleet.subscribers();
  }

  public void close() {
    machines.close();
    fleet.close();
  }
}
