package io.machinestate.server.sse;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A one-slot buffer between a publisher and one SSE subscriber: a newer value replaces one not yet
 * sent, so a slow subscriber gets the newest state and never holds the publisher up.
 */
public final class Mailbox<T> {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private T value;
  private boolean closed;

  public void offer(T v) {
    lock.lock();
    try {
      value = v;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Offers {@code v} unless a newer value arrived first. */
  public void offerIfEmpty(T v) {
    lock.lock();
    try {
      if (value == null) {
        value = v;
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  public void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public boolean closed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /** The next value, or null when {@code timeout} passed or the mailbox was closed. */
  public T take(Duration timeout) throws InterruptedException {
    lock.lock();
    try {
      long nanos = timeout.toNanos();
      while (value == null && !closed && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
      T v = value;
      value = null;
      return closed ? null : v;
    } finally {
      lock.unlock();
    }
  }
}
