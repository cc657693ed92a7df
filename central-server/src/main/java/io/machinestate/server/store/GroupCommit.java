package io.machinestate.server.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Writes that arrive while one transaction is in flight wait for it, then go together in the next
 * one: under load one statement and one COMMIT serve many events, and a write that comes alone
 * waits for nothing. No thread of its own: a caller that finds no batch running runs the next one.
 * A batch that fails fails the writes waiting for it too, untried, rather than have each wait its
 * turn at a database that just failed (a frozen one holds each batch until its socket timeout).
 *
 * @param <I> one write
 */
final class GroupCommit<I> {
  private final int maxBatch;
  private final Function<List<I>, boolean[]> run;
  private final Function<RuntimeException, RuntimeException> untried;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition batchEnded = lock.newCondition();
  private final ArrayDeque<Pending<I>> queue = new ArrayDeque<>();
  private boolean running;

  /**
   * @param run writes a batch in one transaction; says of each write whether it was made, or throws
   *     for all of them
   * @param untried what the writes that waited for a failed batch throw, given its failure
   */
  GroupCommit(int maxBatch, Function<List<I>, boolean[]> run, Function<RuntimeException, RuntimeException> untried) {
    this.maxBatch = maxBatch;
    this.run = run;
    this.untried = untried;
  }

  private static final class Pending<I> {
    final I write;
    boolean done;
    boolean made;
    RuntimeException failure;

    Pending(I write) {
      this.write = write;
    }
  }

  /** Whether {@code write} was made, once the transaction that carried it has committed. */
  boolean submit(I write) {
    Pending<I> pending = new Pending<>(write);
    lock.lock();
    try {
      queue.add(pending);
      while (!pending.done) {
        if (running) {
          batchEnded.awaitUninterruptibly();
        } else {
          runNextBatch();
        }
      }
    } finally {
      lock.unlock();
    }
    if (pending.failure != null) {
      throw pending.failure;
    }
    return pending.made;
  }

  /** Writes waiting for the next batch. */
  int queued() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Called and returns with the lock held; lets go of it while the batch is written. */
  private void runNextBatch() {
    running = true;
    List<Pending<I>> batch = new ArrayList<>();
    while (!queue.isEmpty() && batch.size() < maxBatch) {
      batch.add(queue.poll());
    }
    lock.unlock();
    boolean[] made = null;
    RuntimeException failure = null;
    try {
      made = run.apply(batch.stream().map(p -> p.write).toList());
    } catch (RuntimeException e) {
      failure = e;
    } catch (Error e) {
      failure = new IllegalStateException("writing a batch failed", e);
    } finally {
      lock.lock();
      for (int i = 0; i < batch.size(); i++) {
        Pending<I> p = batch.get(i);
        p.done = true;
        p.made = failure == null && made[i];
        p.failure = failure;
      }
      if (failure != null) {
        RuntimeException notTried = untried.apply(failure);
        for (Pending<I> p; (p = queue.poll()) != null; ) {
          p.done = true;
          p.failure = notTried;
        }
      }
      running = false;
      batchEnded.signalAll();
    }
  }
}
