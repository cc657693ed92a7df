package io.machinestate.bench;

import io.machinestate.protocol.Paths;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Many SSE followers at once, one per machine, as a fleet's edge agents are: each stream is read
 * without a thread of its own (the JDK client's selector serves them all), and each message is
 * timed from when the event that caused it was sent ({@link #sent}).
 */
final class Followers implements AutoCloseable {
  final Latencies latencies = new Latencies();
  private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final List<CompletableFuture<?>> streams = new ArrayList<>();

  /** Opens one stream per machine and waits until each has had its first message. */
  Followers(String server, List<String> machines) throws InterruptedException {
    CountDownLatch ready = new CountDownLatch(machines.size());
    for (String id : machines) {
      HttpRequest request = HttpRequest.newBuilder(URI.create(server + Paths.machineSse(id))).build();
      streams.add(client.sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(new Stream(id, ready))));
    }
    if (!ready.await(120, TimeUnit.SECONDS)) {
      throw new IllegalStateException(ready.getCount() + " of " + machines.size() + " streams did not open");
    }
  }

  /** Notes that an event for {@code machineId} is being sent now. */
  void sent(String machineId) {
    sentAt.put(machineId, System.nanoTime());
  }

  @Override
  public void close() {
    streams.forEach(s -> s.cancel(true));
  }

  private final class Stream implements Flow.Subscriber<String> {
    private final String machineId;
    private final CountDownLatch ready;
    private final AtomicBoolean first = new AtomicBoolean(true);

    Stream(String machineId, CountDownLatch ready) {
      this.machineId = machineId;
      this.ready = ready;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
      if (!line.startsWith("data:")) {
        return;
      }
      if (first.getAndSet(false)) {
        ready.countDown(); // the current Description, sent on connecting
        return;
      }
      Long sent = sentAt.remove(machineId);
      if (sent != null) {
        latencies.add(System.nanoTime() - sent);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      ready.countDown();
    }

    @Override
    public void onComplete() {
      ready.countDown();
    }
  }
}
