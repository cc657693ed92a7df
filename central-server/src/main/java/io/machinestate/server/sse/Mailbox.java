package io.machinestate.server.sse;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToLongFunction;

/**
 * A one-slot buffer between a publisher and one SSE subscriber: a newer value replaces one not yet
 * sent, so a slow subscriber gets the newest state and never holds the publisher up.
 */
public final class Mailbox<T> {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ToLongFunction<T> version; // null: every value is taken
  private long newest = Long.MIN_VALUE;
  private T value;
  private boolean closed;

  /** A mailbox that takes every value offered. */
  public Mailbox() {
    this(null);
  }

  /**
   * A mailbox that takes only values of a higher {@code version} than any offered before, so a
   * subscriber never gets an older state after a newer one, whatever order they were offered in.
   */
  public Mailbox(ToLongFunction<T> version) {
    this.version = version;
  }

  public void offer(T v) {
    lock.lock();
    try {
      if (version != null) {
        long n = version.applyAsLong(v);
        if (n <= newest) {
          return;
        }
        newest = n;
      }
      value = v;
      changed.signalAll();
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
