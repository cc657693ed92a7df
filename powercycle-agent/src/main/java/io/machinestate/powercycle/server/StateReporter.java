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
      Map<String, PowerCycleState> undelivered = send(batch);
      if (!undelivered.isEmpty()) {
        synchronized (this) {
          undelivered.forEach(unsent::putIfAbsent);
          waitQuietly(Math.max(1, retryInterval.toMillis()));
        }
      }
    }
  }

  /** @return the states the server did not take */
  private Map<String, PowerCycleState> send(Map<String, PowerCycleState> batch) {
    try {
      server.updateStates(batch);
      LOG.log(Level.INFO, "reported power-cycle states {0}", batch);
      return Map.of();
    } catch (CentralServerClient.Forbidden e) {
      if (batch.size() > 1) {
        // The server takes all or nothing; one machine our token may not speak for (say, outside
        // its pattern) must not keep the others from being reported, so each goes on its own.
        Map<String, PowerCycleState> refused = new LinkedHashMap<>();
        batch.forEach((machine, state) -> refused.putAll(send(Map.of(machine, state))));
        return refused;
      }
      return failed(batch, e);
    } catch (IOException e) {
      return failed(batch, e);
    }
  }

  private Map<String, PowerCycleState> failed(Map<String, PowerCycleState> batch, IOException e) {
    LOG.log(Level.WARNING, "cannot report power-cycle states {0}, retrying in {1}: {2}", batch, retryInterval, e.getMessage());
    return batch;
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
