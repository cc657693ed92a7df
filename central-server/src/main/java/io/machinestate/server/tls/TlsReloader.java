package io.machinestate.server.tls;

import io.helidon.common.tls.Tls;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Watches the certificate and key files and hands the server a new {@link Tls} when they change,
 * as cert-manager rotates them. The files are compared by content, not time: a Kubernetes secret
 * volume swaps a symbolic link and keeps old times. New connections get the new certificate; open
 * ones keep theirs. A pair that cannot be used (unreadable, or one file replaced before the other)
 * is logged and the current certificate kept until the next look.
 */
public final class TlsReloader implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(TlsReloader.class.getName());

  private final TlsFiles files;
  private final Consumer<Tls> reload;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("tls-reloader").factory());
  private String current;
  private String failed;

  public TlsReloader(TlsFiles files, Duration every, Consumer<Tls> reload) {
    this.files = files;
    this.reload = reload;
    this.current = files.fingerprint();
    timer.scheduleWithFixedDelay(this::check, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void check() {
    try {
      String now = files.fingerprint();
      if (now.equals(current)) {
        return;
      }
      reload.accept(files.read());
      current = now;
      failed = null;
      LOG.info("TLS certificate reloaded from " + files.cert());
    } catch (RuntimeException e) {
      String problem = e.getMessage() != null ? e.getMessage() : e.toString();
      if (!problem.equals(failed)) { // once per problem, not every few seconds
        LOG.warning("TLS certificate not reloaded, keeping the current one: " + problem);
        failed = problem;
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
