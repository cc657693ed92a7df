package io.machinestate.powercycle.cycle;

import io.machinestate.powercycle.controller.Controller;
import io.machinestate.powercycle.server.CentralServerClient;
import io.machinestate.powercycle.server.RequestWatcher;
import io.machinestate.powercycle.server.StateReporter;
import io.machinestate.protocol.PowerCycleState;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Cycles the machines this agent owns when the server asks, one cycle at a time per machine, and
 * reports each completion exactly once.
 *
 * <p>A machine goes IDLE → CYCLING → COMPLETING → IDLE. After a completion the machine still shows
 * in lists the server produced before it applied the completion, and those may arrive late. So
 * after a completion a poll counts only if it was sent after the server accepted the completion,
 * and stream messages count again once one of them, arriving after the completion was sent, lacked
 * the machine (the stream is in order).
 */
public final class PowerCycleAgent implements RequestWatcher.Listener, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(PowerCycleAgent.class.getName());
  /** How long shutting down waits for relays to be switched back on. */
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(60);
  private static final int POWER_ON_ATTEMPTS = 3;

  private enum Phase { IDLE, CYCLING, COMPLETING }

  private static final class Machine {
    final String id;
    final Controller controller;
    Phase phase = Phase.IDLE;
    /** Whether a completion was accepted, and when ({@link System#nanoTime()}). */
    boolean completedOnce;
    long completedNanos;
    /** The stream has not yet shown a list lacking this machine since its last completion. */
    boolean streamStale;
    /** When a stream message lacking this machine last arrived. */
    long streamAbsentNanos = System.nanoTime();

    Machine(String id, Controller controller) {
      this.id = id;
      this.controller = controller;
    }
  }

  private final Map<String, Machine> machines = new LinkedHashMap<>();
  private final List<Controller> controllers;
  private final CentralServerClient server;
  private final StateReporter reporter;
  private final CompletionJournal journal;
  private final Duration retryInterval;
  private final Set<Controller> inError = new HashSet<>();
  private final Set<Thread> workers = new HashSet<>();
  /** Counted down on shutdown: ends every wait (power-off periods, retries) at once. */
  private final CountDownLatch stopping = new CountDownLatch(1);

  public PowerCycleAgent(
      List<Controller> controllers,
      CentralServerClient server,
      StateReporter reporter,
      CompletionJournal journal,
      Duration retryInterval) {
    this.controllers = List.copyOf(controllers);
    this.server = server;
    this.reporter = reporter;
    this.journal = journal;
    this.retryInterval = retryInterval;
    for (Controller c : controllers) {
      for (String id : c.machines()) {
        machines.put(id, new Machine(id, c));
      }
    }
  }

  /**
   * Powers every machine on, reports which controllers answered, and resumes the completions a
   * previous run left unreported. Call before following requests.
   */
  public void start() throws IOException {
    Map<Controller, Boolean> answered = restoreAll();
    answered.forEach((c, ok) -> {
      if (ok) {
        reporter.report(c.machines(), PowerCycleState.AVAILABLE);
      } else {
        controllerFailed(c);
      }
    });
    for (CompletionJournal.Entry entry : journal.pending()) {
      // A machine gone from the configuration still gets its completion, just no more cycles.
      Machine m = machines.getOrDefault(entry.machine(), new Machine(entry.machine(), null));
      LOG.log(Level.INFO, "{0} was cycled at {1} for the request seen at {2}; reporting its completion",
          m.id, entry.cycledAt(), entry.seenPendingAt());
      synchronized (this) {
        m.phase = Phase.COMPLETING;
        startWorker("complete-" + m.id, () -> complete(m));
      }
    }
  }

  /** Drives every relay to the powered state, each controller in parallel; true for those that answered. */
  private Map<Controller, Boolean> restoreAll() {
    Map<Controller, Future<Boolean>> results = new LinkedHashMap<>();
    try (ExecutorService parallel = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Controller c : controllers) {
        results.put(c, parallel.submit(() -> restore(c, c.machines())));
      }
    }
    Map<Controller, Boolean> answered = new LinkedHashMap<>();
    results.forEach((c, result) -> answered.put(c, result.state() == Future.State.SUCCESS && result.resultNow()));
    return answered;
  }

  private boolean restore(Controller c, Set<String> ids) {
    try {
      for (String id : ids) {
        c.powerOn(id);
      }
      LOG.log(Level.INFO, "{0}: powered on {1}", c.name(), ids);
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "{0}: cannot power on {1}: {2}", c.name(), ids, e.getMessage());
      return false;
    }
  }

  @Override
  public synchronized void onList(List<String> requested, RequestWatcher.Source source, long sentNanos) {
    if (stopping.getCount() == 0) {
      return;
    }
    Set<String> wanted = new HashSet<>(requested);
    for (Machine m : machines.values()) {
      boolean listed = wanted.contains(m.id);
      if (source == RequestWatcher.Source.STREAM && !listed) {
        m.streamStale = false;
        m.streamAbsentNanos = sentNanos;
      }
      if (m.phase != Phase.IDLE || isStale(m, source, sentNanos)) {
        continue;
      }
      if (listed && !inError.contains(m.controller)) {
        startCycle(m);
      }
    }
  }

  /** Whether the list predates the server's acceptance of the machine's last completion. */
  private static boolean isStale(Machine m, RequestWatcher.Source source, long sentNanos) {
    return switch (source) {
      case STREAM -> m.streamStale;
      case POLL -> m.completedOnce && sentNanos - m.completedNanos <= 0;
    };
  }

  private void startCycle(Machine m) {
    m.phase = Phase.CYCLING;
    Instant seen = Instant.now();
    LOG.log(Level.INFO, "{0}: power cycle requested; cycling through {1}", m.id, m.controller.name());
    startWorker("cycle-" + m.id, () -> cycleAndComplete(m, seen));
  }

  private void startWorker(String name, Runnable work) {
    Thread t = Thread.ofVirtual().name(name).unstarted(() -> {
      try {
        work.run();
      } finally {
        synchronized (this) {
          workers.remove(Thread.currentThread());
        }
      }
    });
    workers.add(t);
    t.start();
  }

  private void cycleAndComplete(Machine m, Instant seen) {
    boolean cycled;
    try {
      cycled = cycle(m);
    } catch (IOException e) {
      LOG.log(Level.ERROR, "{0}: power cycle failed: {1}", m.id, e.getMessage());
      synchronized (this) {
        m.phase = Phase.IDLE;
      }
      controllerFailed(m.controller);
      return;
    }
    if (!cycled) {
      synchronized (this) {
        m.phase = Phase.IDLE;
      }
      return;
    }
    try {
      journal.save(new CompletionJournal.Entry(m.id, seen, Instant.now()));
    } catch (IOException e) {
      LOG.log(Level.ERROR, "{0}: cannot record the cycle in the state directory; a restart before the server "
          + "acknowledges it would cycle again: {1}", m.id, e.getMessage());
    }
    synchronized (this) {
      m.phase = Phase.COMPLETING;
    }
    complete(m);
  }

  /**
   * Off, wait, on; or a soft reboot where the controller offers one.
   *
   * @return false when shutdown cut the cycle short (the machine is powered again, but the request
   *     stays open for the next run)
   */
  private boolean cycle(Machine m) throws IOException {
    Controller c = m.controller;
    if (stopping.getCount() == 0) {
      return false;
    }
    if (c.softReboot(m.id)) {
      return true;
    }
    boolean interrupted = true;
    try {
      c.powerOff(m.id);
      LOG.log(Level.INFO, "{0}: power off for {1}", m.id, c.offTime());
      interrupted = await(c.offTime());
    } finally {
      powerOnPersistently(m);
    }
    if (interrupted) {
      LOG.log(Level.WARNING, "{0}: power cycle cut short by shutdown; power is back on, the request stays open", m.id);
      return false;
    }
    LOG.log(Level.INFO, "{0}: power back on", m.id);
    return true;
  }

  /** Safety first: a machine must not be left without power because one command failed. */
  private void powerOnPersistently(Machine m) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        m.controller.powerOn(m.id);
        return;
      } catch (IOException e) {
        if (attempt == POWER_ON_ATTEMPTS) {
          throw new IOException("cannot power " + m.id + " back on: " + e.getMessage(), e);
        }
        LOG.log(Level.ERROR, "{0}: powering back on failed (attempt {1}): {2}", m.id, attempt, e.getMessage());
        try {
          Thread.sleep(Duration.ofSeconds(1));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** Reports the completion until the server accepts it, or until shutdown (the journal keeps it). */
  private void complete(Machine m) {
    Duration delay = shorter(Duration.ofSeconds(1), retryInterval);
    CentralServerClient.Completion outcome;
    long sent;
    while (true) {
      sent = System.nanoTime();
      try {
        outcome = server.complete(m.id);
        break;
      } catch (IOException e) {
        LOG.log(Level.WARNING, "{0}: completion not delivered, retrying in {1}: {2}", m.id, delay, e.getMessage());
      }
      if (await(delay)) {
        return;
      }
      delay = shorter(delay.multipliedBy(2), retryInterval);
    }
    synchronized (this) {
      m.phase = Phase.IDLE;
      m.completedOnce = true;
      m.completedNanos = System.nanoTime();
      // The stream may have shown the completion already, before its answer came.
      m.streamStale = m.streamAbsentNanos - sent <= 0;
    }
    if (outcome == CentralServerClient.Completion.UNKNOWN_MACHINE) {
      LOG.log(Level.WARNING, "{0}: the server no longer knows this machine; its completion is dropped", m.id);
    } else {
      LOG.log(Level.INFO, "{0}: power cycle completed", m.id);
    }
    try {
      journal.remove(m.id);
    } catch (IOException e) {
      LOG.log(Level.ERROR, "{0}: cannot clear the completion from the state directory; the next start will report "
          + "it once more: {1}", m.id, e.getMessage());
    }
  }

  /** Reports the controller's machines in error and tries it again in the background until it answers. */
  private void controllerFailed(Controller c) {
    synchronized (this) {
      if (!inError.add(c)) {
        return;
      }
      reporter.report(c.machines(), PowerCycleState.IN_ERROR);
      startWorker("recover-" + c.name(), () -> recover(c));
    }
  }

  private void recover(Controller c) {
    while (!await(retryInterval)) {
      Set<String> idle = new HashSet<>();
      synchronized (this) {
        for (String id : c.machines()) {
          if (machines.get(id).phase != Phase.CYCLING) {
            idle.add(id);
          }
        }
      }
      if (restore(c, idle)) {
        synchronized (this) {
          inError.remove(c);
          reporter.report(c.machines(), PowerCycleState.AVAILABLE);
        }
        LOG.log(Level.INFO, "{0} answers again; its machines are available", c.name());
        return;
      }
    }
  }

  private static Duration shorter(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }

  /** @return true when shutdown began before {@code d} passed */
  private boolean await(Duration d) {
    try {
      return stopping.await(d.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  /**
   * What SIGTERM does: ends every power-off period at once, waits until those machines are powered
   * again, and leaves unreported completions in the journal for the next run.
   */
  @Override
  public void close() {
    List<Thread> running;
    synchronized (this) {
      stopping.countDown();
      running = List.copyOf(workers);
    }
    long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
    for (Thread t : running) {
      try {
        if (!t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
          LOG.log(Level.ERROR, "shutdown: {0} did not finish in time", t.getName());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
