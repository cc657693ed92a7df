package io.machinestate.server.sse;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * A buffer between a publisher and one SSE subscriber with one slot per key: a newer value replaces
 * one of its key not yet sent, so a slow subscriber gets the newest state of each key and never
 * holds the publisher up. Keys wait in the order they were first offered.
 */
public final class Mailbox<T> {
  private static final Function<Object, String> ONE_SLOT = v -> "";

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Function<? super T, String> key;
  private final ToLongFunction<T> version; // null: every value is taken
  private final Map<String, Long> newest = new HashMap<>();
  private final LinkedHashMap<String, T> waiting = new LinkedHashMap<>();
  private boolean closed;

  /** A one-slot mailbox that takes every value offered. */
  public Mailbox() {
    this(ONE_SLOT, null);
  }

  /**
   * A one-slot mailbox that takes only values of a higher {@code version} than any offered before,
   * so a subscriber never gets an older state after a newer one, whatever order they were offered in.
   */
  public Mailbox(ToLongFunction<T> version) {
    this(ONE_SLOT, version);
  }

  /** A slot per {@code key}, each taking only values of a higher {@code version} than its key had. */
  public Mailbox(Function<? super T, String> key, ToLongFunction<T> version) {
    this.key = key;
    this.version = version;
  }

  public void offer(T v) {
    String k = key.apply(v);
    lock.lock();
    try {
      if (version != null) {
        long n = version.applyAsLong(v);
        if (n <= newest.getOrDefault(k, Long.MIN_VALUE)) {
          return;
        }
        newest.put(k, n);
      }
      waiting.put(k, v);
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
      while (waiting.isEmpty() && !closed && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
      if (closed || waiting.isEmpty()) {
        return null;
      }
      Iterator<T> first = waiting.values().iterator();
      T v = first.next();
      first.remove();
      return v;
    } finally {
      lock.unlock();
    }
  }
}
