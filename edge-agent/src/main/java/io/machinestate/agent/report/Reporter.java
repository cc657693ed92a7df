package io.machinestate.agent.report;

import io.machinestate.protocol.Event;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Interrogates every interval, and at once when triggered, handing each event on. */
public final class Reporter implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Reporter.class.getName());

  private final Interrogator interrogator;
  private final Consumer<Event> sink;
  private final Duration interval;
  /** Holds at most one trigger: triggers that come while one waits are the same request. */
  private final BlockingQueue<Boolean> triggers = new ArrayBlockingQueue<>(1);
  private final Thread thread;

  public Reporter(Interrogator interrogator, Consumer<Event> sink, Duration interval) {
    this.interrogator = interrogator;
    this.sink = sink;
    this.interval = interval;
    this.thread = Thread.ofVirtual().name("reporter").unstarted(this::run);
  }

  public void start() {
    thread.start();
  }

  /** Asks for an interrogation now rather than at the next interval. */
  public void trigger() {
    triggers.offer(Boolean.TRUE);
  }

  private void run() {
    try {
      while (true) {
        // This interrogation serves every trigger that came before it.
        triggers.clear();
        try {
          sink.accept(interrogator.interrogate());
        } catch (RuntimeException e) {
          LOG.log(Level.ERROR, "Interrogation failed; trying again at the next interval", e);
        }
        triggers.poll(interval.toNanos(), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      // closed
    }
  }

  /** Stops, waiting a little for an interrogation in progress (its tools are killed). */
  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
