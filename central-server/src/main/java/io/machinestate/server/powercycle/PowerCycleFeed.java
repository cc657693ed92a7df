package io.machinestate.server.powercycle;

import io.machinestate.protocol.Description;
import io.machinestate.server.sse.Broadcaster;
import io.machinestate.server.sse.Mailbox;
import io.machinestate.server.store.ChangeSink;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The machines waiting for a power cycle, kept in step with every change so that power-cycle agents
 * following the stream learn of a request as soon as it is committed.
 */
public final class PowerCycleFeed implements ChangeSink {
  private static final String TOPIC = "";

  private final Broadcaster<List<String>> broadcaster = new Broadcaster<>();
  private final SortedSet<String> pending = new TreeSet<>();

  /** Starts from what the database holds. */
  public synchronized void load(List<String> machineIds) {
    pending.clear();
    pending.addAll(machineIds);
  }

  @Override
  public synchronized void changed(String machineId, long version, Description description) {
    boolean changed = description.powerCycle() ? pending.add(machineId) : pending.remove(machineId);
    if (changed) {
      broadcaster.publish(TOPIC, List.copyOf(pending));
    }
  }

  @Override
  public synchronized void deleted(String machineId, long version) {
    if (pending.remove(machineId)) {
      broadcaster.publish(TOPIC, List.copyOf(pending));
    }
  }

  /** A new subscriber, whose first message is the current list. */
  synchronized Mailbox<List<String>> subscribe() {
    Mailbox<List<String>> box = broadcaster.subscribe(TOPIC);
    box.offer(List.copyOf(pending));
    return box;
  }

  void unsubscribe(Mailbox<List<String>> box) {
    broadcaster.unsubscribe(TOPIC, box);
  }

  public int subscribers() {
    return broadcaster.subscribers();
  }

  public void close() {
    broadcaster.close();
  }
}
