package io.machinestate.agent.central;

import io.machinestate.protocol.Event;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Delivers events to the central server, one at a time, keeping only the newest one waiting: while
 * the server is down, each new event replaces the one not yet sent, so nothing piles up. Failed
 * sends are retried with jittered exponential backoff.
 *
 * <p>A forced quarantine is the one thing a newer event cannot make stale: it is carried over to
 * the replacing event until one carrying it has been accepted.
 */
public final class EventSender implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(EventSender.class.getName());

  private final CentralClient client;
  private final Backoff backoff;
  private final Consumer<Event> onAccepted;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Thread thread;
  private Event pending;
  private boolean closed;

  /**
   * @param onAccepted told of each event the server accepted, on the sender's thread
   */
  public EventSender(CentralClient client, Backoff backoff, Consumer<Event> onAccepted) {
    this.client = client;
    this.backoff = backoff;
    this.onAccepted = onAccepted;
    this.thread = Thread.ofVirtual().name("event-sender").unstarted(this::run);
  }

  public void start() {
    thread.start();
  }

  /** Queues an event, replacing any not yet sent. */
  public void offer(Event event) {
    lock.lock();
    try {
      pending = withCarriedQuarantine(event, pending);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    while (true) {
      Event event;
      lock.lock();
      try {
        while (pending == null && !closed) {
          changed.awaitUninterruptibly();
        }
        if (closed) {
          return;
        }
        event = pending;
        pending = null;
      } finally {
        lock.unlock();
      }
      Duration wait = send(event);
      if (wait != null && !sleep(wait)) {
        return;
      }
    }
  }

  /** Sends an event; returns how long to wait before the next try, or null to go on at once. */
  private Duration send(Event event) {
    try {
      client.postEvent(event);
      backoff.reset();
      onAccepted.accept(event);
      return null;
    } catch (IOException e) {
      if (e instanceof ServerException rejected && !rejected.retryable()) {
        LOG.log(Level.ERROR, "Event of machine {0} rejected, dropped: {1}", client.machineId(), e.getMessage());
        return null;
      }
      requeue(event);
      Duration wait = backoff.next();
      LOG.log(Level.WARNING, "Event of machine {0} not delivered, retrying in {1} ms: {2}",
          client.machineId(), String.valueOf(wait.toMillis()), e.getMessage());
      return wait;
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "Sending the event of machine " + client.machineId() + " failed, dropped", e);
      return null;
    }
  }

  /** Puts a failed event back unless a newer one arrived meanwhile. */
  private void requeue(Event event) {
    lock.lock();
    try {
      pending = pending == null ? event : withCarriedQuarantine(pending, event);
    } finally {
      lock.unlock();
    }
  }

  private static Event withCarriedQuarantine(Event newer, Event older) {
    if (older == null || !older.forcedQuarantine() || newer.forcedQuarantine()) {
      return newer;
    }
    return newer.withFlags(newer.runningSwarmingTask(), true, newer.launchedSwarming());
  }

  /** Waits, unless closed meanwhile; returns whether to go on. */
  private boolean sleep(Duration wait) {
    lock.lock();
    try {
      long nanos = wait.toNanos();
      while (!closed && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
      return !closed;
    } catch (InterruptedException e) {
      return false;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    thread.interrupt();
  }
}
