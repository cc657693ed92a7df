package io.machinestate.server.store;

import java.util.Collection;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Keeps the writes of one machine, and their announcements, in arrival order while those of
 * different machines run side by side: fair locks queue their waiters first come, first served.
 * Striped, so memory stays fixed however many machines report; a batch takes its stripes in
 * ascending order, so two batches never wait for each other in a cycle.
 */
final class MachineLocks {
  private final ReentrantLock[] stripes;

  MachineLocks(int stripes) {
    this.stripes = new ReentrantLock[stripes];
    for (int i = 0; i < stripes; i++) {
      this.stripes[i] = new ReentrantLock(true);
    }
  }

  <T> T inOrder(Collection<String> machineIds, Supplier<T> work) {
    int[] held = machineIds.stream().mapToInt(this::stripe).distinct().sorted().toArray();
    int locked = 0;
    try {
      for (int s : held) {
        stripes[s].lock();
        locked++;
      }
      return work.get();
    } finally {
      for (int i = locked - 1; i >= 0; i--) {
        stripes[held[i]].unlock();
      }
    }
  }

  private int stripe(String machineId) {
    return Math.floorMod(machineId.hashCode(), stripes.length);
  }
}
