package io.machinestate.server.sse;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;

/**
 * Serves one SSE subscriber from its {@link Mailbox} until the client leaves or the server stops:
 * each value as a message with an {@code id:} (and an {@code event:} when it is not the default), and a comment line when idle so proxies keep the
 * stream open. Written by hand because Helidon 4.0.5's SseEvent refuses comment-only events, and
 * an empty message instead would make old agents refetch their Description at every heartbeat.
 * It holds the request's (virtual) thread for the life of the stream.
 */
public final class SseStream {
  private final Duration heartbeat;

  public SseStream(Duration heartbeat) {
    this.heartbeat = heartbeat;
  }

  /** One message: {@code event} names its type ("" for the default), {@code id} may be null (none). */
  public record Message(String event, String id, String data) {}

  /**
   * @param encode one line of text: JSON without newlines
   * @param id the message's {@code id:}, the same for the same state on every replica, so that a
   *     client resuming with {@code Last-Event-ID} on another replica means the same thing there
   */
  public <T> void serve(ServerResponse res, Mailbox<T> box, Function<T, String> encode, Function<T, String> id) {
    serve(res, box, v -> new Message("", id.apply(v), encode.apply(v)));
  }

  /** Serves each value as the {@link Message} {@code message} makes of it. */
  public <T> void serve(ServerResponse res, Mailbox<T> box, Function<T, Message> message) {
    res.header(HeaderValues.create(HeaderNames.CONTENT_TYPE, "text/event-stream"))
        .header(HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-cache"))
        .header(HeaderValues.create("X-Accel-Buffering", "no"));
    try (OutputStream out = res.outputStream()) {
      write(out, ": connected\n\n");
      while (true) {
        T value = box.take(heartbeat);
        if (box.closed()) {
          return;
        }
        if (value == null) {
          write(out, ": heartbeat\n\n");
        }
        // what is already waiting goes out in one flush: a snapshot of the fleet is thousands of messages
        for (; value != null; value = box.take(Duration.ZERO)) {
          out.write(format(message.apply(value)).getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | UncheckedIOException e) {
      // the client went away; its subscription is dropped by the caller
    }
  }

  private static String format(Message m) {
    return (m.event().isEmpty() ? "" : "event: " + m.event() + "\n")
        + (m.id() == null ? "" : "id: " + m.id() + "\n")
        + "data: " + m.data() + "\n\n";
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
