package io.machinestate.powercycle.server;

import io.machinestate.protocol.ServerFailure;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;

/**
 * Learns of power-cycle requests: follows the server's push stream, which sends the whole request
 * list on connect and on every change, and polls the list endpoint as a fallback. A server without
 * the stream (the Go one answers 404) is polled only.
 */
public final class RequestWatcher implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RequestWatcher.class.getName());

  /** Where a list came from; a poll's answer reflects everything the server did before it was sent. */
  public enum Source { STREAM, POLL }

  /** Receives every list seen. */
  public interface Listener {
    /**
     * @param sentNanos {@link System#nanoTime()} when the poll was sent, or when a stream message
     *     arrived
     */
    void onList(List<String> machines, Source source, long sentNanos);
  }

  private final CentralServerClient server;
  private final OkHttpClient streamHttp;
  private final Duration pollInterval;
  private final Duration maxReconnectDelay;
  private final Listener listener;
  private final ScheduledExecutorService scheduler =
      Executors.newScheduledThreadPool(2, Thread.ofVirtual().name("request-watcher-", 0).factory());
  private EventSource stream;
  private Duration reconnectDelay;
  private boolean closed;
  /**
   * Why the last poll failed, or null. Only the scheduler's poll task touches this; a failure is
   * logged as a warning when it begins or changes (e.g. from "connection refused" to a refused
   * token), not on every poll.
   */
  private String pollFailure;

  /**
   * @param streamHttp a client whose read timeout exceeds the server's heartbeat interval
   * @param maxReconnectDelay the longest wait before following the stream again after a failure
   */
  public RequestWatcher(
      CentralServerClient server,
      OkHttpClient streamHttp,
      Duration pollInterval,
      Duration maxReconnectDelay,
      Listener listener) {
    this.server = server;
    this.streamHttp = streamHttp;
    this.pollInterval = pollInterval;
    this.maxReconnectDelay = maxReconnectDelay;
    this.reconnectDelay = initialDelay();
    this.listener = listener;
  }

  public void start() {
    scheduler.execute(this::follow);
    scheduler.scheduleWithFixedDelay(this::poll, 0, pollInterval.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void poll() {
    long sent = System.nanoTime();
    try {
      List<String> machines = server.list();
      if (pollFailure != null) {
        pollFailure = null;
        LOG.log(Level.INFO, "listing power-cycle requests works again");
      }
      listener.onList(machines, Source.POLL, sent);
    } catch (IOException e) {
      String why = String.valueOf(e.getMessage());
      LOG.log(why.equals(pollFailure) ? Level.DEBUG : Level.WARNING, "cannot list power-cycle requests: {0}", why);
      pollFailure = why;
    } catch (RuntimeException e) {
      // A thrown exception would end the periodic poll.
      LOG.log(Level.ERROR, "handling the power-cycle request list failed", e);
    }
  }

  private synchronized void follow() {
    if (closed) {
      return;
    }
    Request request = new Request.Builder().url(server.streamUrl()).header("Accept", "text/event-stream").build();
    stream = EventSources.createFactory(streamHttp).newEventSource(request, new StreamListener());
  }

  private synchronized void reconnectLater() {
    if (closed) {
      return;
    }
    scheduler.schedule(this::follow, reconnectDelay.toNanos(), TimeUnit.NANOSECONDS);
    Duration doubled = reconnectDelay.multipliedBy(2);
    reconnectDelay = doubled.compareTo(maxReconnectDelay) > 0 ? maxReconnectDelay : doubled;
  }

  private Duration initialDelay() {
    Duration second = Duration.ofSeconds(1);
    return second.compareTo(maxReconnectDelay) > 0 ? maxReconnectDelay : second;
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      if (stream != null) {
        stream.cancel();
      }
    }
    scheduler.shutdownNow();
  }

  /** What a failed stream answer says; its body is still readable during {@code onFailure}. */
  private static String failure(Response response) {
    try {
      return ServerFailure.describe(response);
    } catch (IOException | IllegalStateException e) {
      return "HTTP " + response.code();
    }
  }

  private final class StreamListener extends EventSourceListener {
    @Override
    public void onOpen(EventSource source, Response response) {
      synchronized (RequestWatcher.this) {
        reconnectDelay = initialDelay();
      }
      LOG.log(Level.INFO, "following the power-cycle request stream {0}", response.request().url());
    }

    @Override
    public void onEvent(EventSource source, String id, String type, String data) {
      long arrived = System.nanoTime();
      try {
        listener.onList(server.parseList(data), Source.STREAM, arrived);
      } catch (IOException e) {
        LOG.log(Level.WARNING, "ignoring a stream message that is not a list of machine ids: {0}", data);
      }
    }

    @Override
    public void onClosed(EventSource source) {
      LOG.log(Level.INFO, "the server ended the power-cycle request stream; following it again");
      reconnectLater();
    }

    @Override
    public void onFailure(EventSource source, Throwable t, Response response) {
      synchronized (RequestWatcher.this) {
        if (closed) {
          return;
        }
      }
      if (response != null && response.code() == 404) {
        LOG.log(Level.INFO, "the server has no power-cycle request stream (an older server?); polling every {0}",
            pollInterval);
        return;
      }
      // A stream that broke after it opened has a successful response whose body is the stream itself.
      String why = response != null && !response.isSuccessful() ? failure(response) : String.valueOf(t);
      LOG.log(Level.WARNING, "lost the power-cycle request stream ({0}); polling continues, reconnecting in {1}",
          why, reconnectDelay);
      reconnectLater();
    }
  }
}
