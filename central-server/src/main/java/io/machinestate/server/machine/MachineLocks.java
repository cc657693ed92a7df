package io.machinestate.server.machine;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Keeps the events of one machine in arrival order while those of different machines run side by
 * side: fair locks queue their waiters first come, first served. Striped, so memory stays fixed
 * however many machines report.
 */
final class MachineLocks {
  private final ReentrantLock[] stripes;

  MachineLocks(int stripes) {
    this.stripes = new ReentrantLock[stripes];
    for (int i = 0; i < stripes; i++) {
      this.stripes[i] = new ReentrantLock(true);
    }
  }

  <T> T inOrder(String machineId, Supplier<T> work) {
    ReentrantLock lock = stripes[Math.floorMod(machineId.hashCode(), stripes.length)];
    lock.lock();
    try {
      return work.get();
    } finally {
      lock.unlock();
    }
  }
}
