package io.machinestate.powercycle.cycle;

import io.machinestate.powercycle.controller.Controller;
import io.machinestate.powercycle.metrics.AgentMetrics;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

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
  /** Also the shutdown signal: its stop ends every wait (power-off periods, retries) at once. */
  private final PowerCycler cycler;
  private final AgentMetrics metrics;
  private final Duration retryInterval;
  private final Set<Controller> inError = new HashSet<>();
  private final Set<Thread> workers = new HashSet<>();

  public PowerCycleAgent(
      List<Controller> controllers,
      CentralServerClient server,
      StateReporter reporter,
      CompletionJournal journal,
      PowerCycler cycler,
      AgentMetrics metrics,
      Duration retryInterval) {
    this.controllers = List.copyOf(controllers);
    this.server = server;
    this.reporter = reporter;
    this.journal = journal;
    this.cycler = cycler;
    this.metrics = metrics;
    this.retryInterval = retryInterval;
    for (Controller c : controllers) {
      for (String id : c.machines()) {
        machines.put(id, new Machine(id, c));
      }
    }
  }

  /**
   * Switches back on what a previous run left off, checks read-only that each controller answers,
   * reports which did, and resumes the completions a previous run left unreported. Switches nothing
   * else: a strip may feed the router or the jump host too. Call before following requests.
   */
  public void start() throws IOException {
    Set<String> configured = machines.keySet();
    cycler.leftOff().stream().filter(id -> !configured.contains(id)).forEach(id -> LOG.log(Level.ERROR,
        "{0} was left off by a previous run but is no longer configured; switch it on by hand", id));
    if (controllers.isEmpty()) {
      LOG.log(Level.WARNING, "no machine is configured; idling");
    }
    Map<Controller, Boolean> answered = probeAll();
    answered.forEach((c, ok) -> {
      if (ok) {
        metrics.reachable(c, true);
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

  /** {@link #restoreAndProbe} on each controller in parallel; true for those that answered. */
  private Map<Controller, Boolean> probeAll() {
    Map<Controller, Future<Boolean>> results = new LinkedHashMap<>();
    try (ExecutorService parallel = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Controller c : controllers) {
        results.put(c, parallel.submit(() -> restoreAndProbe(c, id -> false)));
      }
    }
    Map<Controller, Boolean> answered = new LinkedHashMap<>();
    results.forEach((c, result) -> answered.put(c, result.state() == Future.State.SUCCESS && result.resultNow()));
    return answered;
  }

  /** Switches on what this agent left off (but the machines {@code skip} names), then asks the controller read-only. */
  private boolean restoreAndProbe(Controller c, Predicate<String> skip) {
    try {
      cycler.restoreLeftOff(c, skip);
      LOG.log(Level.INFO, "{0} answers: {1}", c.name(), c.probe());
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "{0} does not answer: {1}", c.name(), e.getMessage());
      return false;
    }
  }

  @Override
  public synchronized void onList(List<String> requested, RequestWatcher.Source source, long sentNanos) {
    if (cycler.stopped()) {
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
      cycled = cycler.cycle(m.controller, m.id);
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
      if (cycler.await(delay)) {
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
      metrics.reachable(c, false);
      reporter.report(c.machines(), PowerCycleState.IN_ERROR);
      startWorker("recover-" + c.name(), () -> recover(c));
    }
  }

  private void recover(Controller c) {
    while (!cycler.await(retryInterval)) {
      // A machine being cycled is switched back on by its cycle.
      if (restoreAndProbe(c, id -> isCycling(id))) {
        synchronized (this) {
          inError.remove(c);
          metrics.reachable(c, true);
          reporter.report(c.machines(), PowerCycleState.AVAILABLE);
        }
        LOG.log(Level.INFO, "{0} answers again; its machines are available", c.name());
        return;
      }
    }
  }

  private synchronized boolean isCycling(String id) {
    return machines.get(id).phase == Phase.CYCLING;
  }

  private static Duration shorter(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }

  /**
   * What SIGTERM does: ends every power-off period at once, waits until those machines are powered
   * again, and leaves unreported completions in the journal for the next run.
   */
  @Override
  public void close() {
    List<Thread> running;
    synchronized (this) {
      cycler.stop();
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
