package io.machinestate.agent.description;

import io.machinestate.agent.central.Backoff;
import io.machinestate.agent.central.CentralClient;
import io.machinestate.protocol.Paths;
import io.machinestate.protocol.ServerFailure;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;

/**
 * Keeps the {@link DescriptionHolder} up to date: the server's SSE stream, with a GET each time it
 * opens and every poll interval as a safety net.
 *
 * <p>Each SSE message of this implementation's server carries the whole Description; the Go
 * server sends just {@code update}, so any message that is not a Description is answered with a
 * GET. Each time the stream opens, a GET catches up with what was missed.
 */
public final class DescriptionFollower implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(DescriptionFollower.class.getName());
  /**
   * The backoff restarts after a message, or after a stream that lasted this long: a server that
   * accepts streams and ends them at once (one shutting down, say) is not hammered.
   */
  private static final Duration HEALTHY_STREAM = Duration.ofMinutes(1);
  /**
   * The longest wait before reconnecting to a server that did not answer (down, restarting, or
   * gone mid-stream), so that the stream is followed again within seconds of its return. A server
   * that answers with an error (a refused token, say) is retried with the whole backoff.
   */
  public static final Duration UNREACHABLE_MAX_WAIT = Duration.ofSeconds(5);

  private final CentralClient client;
  private final DescriptionHolder holder;
  private final Duration pollInterval;
  private final Backoff reconnectBackoff;
  private final OkHttpClient sseClient;
  private final Thread poller;
  private EventSource source;
  private Thread reconnecter;
  private boolean open;
  private long openedAt;
  private long failures;
  private boolean closed;

  /**
   * @param sseReadTimeout how long a silent stream is trusted before it is reconnected
   */
  public DescriptionFollower(CentralClient client, DescriptionHolder holder, Duration pollInterval,
      Duration sseReadTimeout, Backoff reconnectBackoff) {
    this.client = client;
    this.holder = holder;
    this.pollInterval = pollInterval;
    this.reconnectBackoff = reconnectBackoff;
    this.sseClient = client.httpClient().newBuilder().readTimeout(sseReadTimeout).callTimeout(Duration.ZERO).build();
    this.poller = Thread.ofVirtual().name("description-poller").unstarted(this::poll);
  }

  /** Starts following the Description: each time the stream opens, it is fetched too. */
  public void start() {
    connect();
    poller.start();
  }

  /** GETs the Description; failures are logged, the current one kept. */
  public void refresh() {
    try {
      client.description().ifPresentOrElse(holder::update,
          () -> LOG.log(Level.INFO, "The server does not know machine {0} yet", client.machineId()));
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "Fetching the Description of machine {0} failed: {1}", client.machineId(), e.getMessage());
    }
  }

  private void poll() {
    try {
      while (true) {
        Thread.sleep(pollInterval);
        refresh();
      }
    } catch (InterruptedException e) {
      // closed
    }
  }

  private synchronized void connect() {
    if (closed) {
      return;
    }
    Request request = new Request.Builder()
        .url(client.url(Paths.machineSse(client.machineId())))
        .header("Accept", "text/event-stream")
        .build();
    source = EventSources.createFactory(sseClient).newEventSource(request, new Listener());
  }

  /** @param answered whether the server answered with an error, rather than not at all */
  private synchronized void scheduleReconnect(String why, boolean answered) {
    if (closed || reconnecter != null) {
      return;
    }
    failures++;
    // A stream that lived a while was healthy: start the backoff again.
    if (open && System.nanoTime() - openedAt > HEALTHY_STREAM.toNanos()) {
      reconnectBackoff.reset();
    }
    open = false;
    Duration backoff = reconnectBackoff.next();
    Duration wait = answered || backoff.compareTo(UNREACHABLE_MAX_WAIT) < 0 ? backoff : UNREACHABLE_MAX_WAIT;
    LOG.log(Level.WARNING, "Description stream of machine {0} lost ({1}), reconnecting in {2} ms",
        client.machineId(), why, String.valueOf(wait.toMillis()));
    reconnecter = Thread.ofVirtual().name("description-reconnect").start(() -> {
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        return;
      }
      synchronized (this) {
        reconnecter = null;
      }
      connect();
    });
  }

  private final class Listener extends EventSourceListener {
    @Override
    public void onOpen(EventSource eventSource, Response response) {
      synchronized (DescriptionFollower.this) {
        open = true;
        openedAt = System.nanoTime();
      }
      LOG.log(Level.INFO, "Following the Description of machine {0}", client.machineId());
      // Whatever changed while not connected (or since a fetch that failed) is fetched now: the
      // Go server does not send the current Description on connect.
      refresh();
    }

    @Override
    public void onEvent(EventSource eventSource, String id, String type, String data) {
      synchronized (DescriptionFollower.this) {
        reconnectBackoff.reset();
      }
      if (!data.stripLeading().startsWith("{")) {
        refresh();
        return;
      }
      try {
        holder.update(client.parseDescription(data));
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "Unreadable Description message for machine {0}, fetching instead: {1}",
            client.machineId(), e.getMessage());
        refresh();
      }
    }

    @Override
    public void onClosed(EventSource eventSource) {
      scheduleReconnect("closed by the server", false);
    }

    @Override
    public void onFailure(EventSource eventSource, Throwable t, Response response) {
      scheduleReconnect(failure(t, response), response != null && !response.isSuccessful());
    }
  }

  /**
   * Why a stream failed. Only an error answer's body is read: once a stream has opened, OkHttp
   * has taken its body, and reading it again throws.
   */
  static String failure(Throwable t, Response response) {
    if (response != null && !response.isSuccessful()) {
      try {
        return ServerFailure.describe(response);
      } catch (IOException | RuntimeException e) {
        return "HTTP " + response.code();
      }
    }
    if (t == null) {
      return "unknown error";
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  /** Whether the stream is open now. */
  public synchronized boolean isOpen() {
    return open;
  }

  /** How many times the stream was lost or refused. */
  public synchronized long failures() {
    return failures;
  }

  @Override
  public void close() {
    Thread pendingReconnect;
    synchronized (this) {
      closed = true;
      pendingReconnect = reconnecter;
      if (source != null) {
        source.cancel();
      }
    }
    if (pendingReconnect != null) {
      pendingReconnect.interrupt();
    }
    poller.interrupt();
  }
}
