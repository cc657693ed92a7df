package io.machinestate.powercycle.server;

import io.machinestate.protocol.PowerCycleState;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tells the server which machines can be power-cycled (flow 2), in the background and until the
 * server accepts: the agent starts and switches relays whether or not the server is up. The
 * latest state of a machine wins over one not yet delivered.
 */
public final class StateReporter implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(StateReporter.class.getName());

  private final CentralServerClient server;
  private final Duration retryInterval;
  private final Map<String, PowerCycleState> unsent = new LinkedHashMap<>();
  private final Thread sender;
  private boolean closed;

  public StateReporter(CentralServerClient server, Duration retryInterval) {
    this.server = server;
    this.retryInterval = retryInterval;
    this.sender = Thread.ofVirtual().name("state-reporter").unstarted(this::sendLoop);
  }

  public void start() {
    sender.start();
  }

  public synchronized void report(Collection<String> machines, PowerCycleState state) {
    for (String machine : machines) {
      unsent.put(machine, state);
    }
    notifyAll();
  }

  private void sendLoop() {
    while (true) {
      Map<String, PowerCycleState> batch;
      synchronized (this) {
        while (unsent.isEmpty() && !closed) {
          waitQuietly(0);
        }
        if (closed) {
          return;
        }
        batch = new LinkedHashMap<>(unsent);
        unsent.clear();
      }
      try {
        server.updateStates(batch);
        LOG.log(Level.INFO, "reported power-cycle states {0}", batch);
      } catch (IOException e) {
        LOG.log(Level.WARNING, "cannot report power-cycle states {0}, retrying in {1}: {2}", batch, retryInterval, e.getMessage());
        synchronized (this) {
          batch.forEach(unsent::putIfAbsent);
          waitQuietly(Math.max(1, retryInterval.toMillis()));
        }
      }
    }
  }

  /** Waits for a report or {@link #close}; 0 means no time limit. */
  private void waitQuietly(long millis) {
    try {
      wait(millis);
    } catch (InterruptedException e) {
      closed = true;
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
  }
}
