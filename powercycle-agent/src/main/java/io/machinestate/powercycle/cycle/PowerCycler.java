package io.machinestate.powercycle.cycle;

import io.machinestate.powercycle.controller.Controller;
import io.machinestate.powercycle.metrics.AgentMetrics;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One power cycle, done safely, for the agent and for an operator's {@code cycle} alike: the
 * machine is noted as off on disk before its power goes, and the note goes once the power is back,
 * so that after a crash the next start restores that machine and nothing else.
 */
public final class PowerCycler {
  private static final System.Logger LOG = System.getLogger(PowerCycler.class.getName());
  private static final int POWER_ON_ATTEMPTS = 3;

  private final PoweredOffJournal journal;
  private final AgentMetrics metrics;
  private final Duration powerOnRetry;
  /** Counted down by {@link #stop()}: ends every power-off period at once. */
  private final CountDownLatch stopping = new CountDownLatch(1);

  /** @param powerOnRetry the pause between attempts to switch a machine back on */
  public PowerCycler(PoweredOffJournal journal, AgentMetrics metrics, Duration powerOnRetry) {
    this.journal = journal;
    this.metrics = metrics;
    this.powerOnRetry = powerOnRetry;
  }

  /**
   * Off, wait, on; or a soft reboot where the controller offers one.
   *
   * @return false when {@link #stop()} cut the cycle short (the machine is powered again)
   * @throws IOException when switching failed; the machine may still be off, and its note says so
   */
  public boolean cycle(Controller c, String machine) throws IOException {
    try {
      boolean done = offWaitOn(c, machine);
      if (done) {
        metrics.cycled(c, true);
      }
      return done;
    } catch (IOException e) {
      metrics.cycled(c, false);
      throw e;
    }
  }

  private boolean offWaitOn(Controller c, String machine) throws IOException {
    if (stopped()) {
      return false;
    }
    if (c.softReboot(machine)) {
      return true;
    }
    try {
      journal.markOff(machine);
    } catch (IOException e) {
      throw new IOException("cannot note in the state directory that " + machine + " is about to go off, so it stays on: "
          + e.getMessage(), e);
    }
    boolean interrupted = true;
    try {
      long start = System.nanoTime();
      c.powerOff(machine);
      metrics.switched(c, false, Duration.ofNanos(System.nanoTime() - start));
      LOG.log(Level.INFO, "{0}: power off for {1}", machine, c.offTime());
      interrupted = await(c.offTime());
    } finally {
      powerOn(c, machine);
    }
    if (interrupted) {
      LOG.log(Level.WARNING, "{0}: power cycle cut short by shutdown; power is back on, the request stays open", machine);
      return false;
    }
    LOG.log(Level.INFO, "{0}: power back on", machine);
    return true;
  }

  /**
   * Switches back on the machines of {@code c} that a run left off (the journal says so), except
   * those {@code skip} names; touches no other port.
   *
   * @return the machines switched back on
   * @throws IOException at the first that cannot be switched on; it stays noted
   */
  public List<String> restoreLeftOff(Controller c, Predicate<String> skip) throws IOException {
    Set<String> off = journal.off();
    List<String> restored = new ArrayList<>();
    for (String machine : c.machines()) {
      if (off.contains(machine) && !skip.test(machine)) {
        powerOn(c, machine);
        LOG.log(Level.WARNING, "{0}: switched back on through {1}: a previous run had left it off", machine, c.name());
        restored.add(machine);
      }
    }
    return restored;
  }

  /** The machines noted as off, configured or not. */
  public Set<String> leftOff() throws IOException {
    return journal.off();
  }

  /** Safety first: a machine must not be left without power because one command failed. */
  private void powerOn(Controller c, String machine) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        long start = System.nanoTime();
        c.powerOn(machine);
        metrics.switched(c, true, Duration.ofNanos(System.nanoTime() - start));
        break;
      } catch (IOException e) {
        if (attempt == POWER_ON_ATTEMPTS) {
          throw new IOException("cannot power " + machine + " back on: " + e.getMessage(), e);
        }
        LOG.log(Level.ERROR, "{0}: powering back on failed (attempt {1}): {2}", machine, attempt, e.getMessage());
        try {
          Thread.sleep(powerOnRetry);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
    }
    try {
      journal.clear(machine);
    } catch (IOException e) {
      LOG.log(Level.ERROR, "{0}: is on, but its note in the state directory stays; the next start switches it on "
          + "once more: {1}", machine, e.getMessage());
    }
  }

  /** Ends every power-off period at once; the machines are switched back on, no new cycle starts. */
  public void stop() {
    stopping.countDown();
  }

  public boolean stopped() {
    return stopping.getCount() == 0;
  }

  /** @return true when {@link #stop()} came before {@code d} passed */
  public boolean await(Duration d) {
    try {
      return stopping.await(d.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }
}
