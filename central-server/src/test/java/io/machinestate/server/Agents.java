package io.machinestate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.type.TypeReference;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Json;
import io.machinestate.protocol.Paths;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Edge agents under test: each posts events, every one for a machine of its own, so that each
 * event answered 200 must leave a Description that outlives any crash. Bounded in count and time.
 */
final class Agents implements AutoCloseable {
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Set<String> acked = ConcurrentHashMap.newKeySet();
  private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLong slowestMillis = new AtomicLong();
  private volatile boolean stopped;

  /**
   * @param port where the server is; read again for every request, as it moves across restarts
   * @param prefix of the machine ids
   * @param limit at most this many events in all
   */
  Agents(int count, IntSupplier port, String prefix, int limit) {
    AtomicInteger sent = new AtomicInteger();
    for (int a = 0; a < count; a++) {
      int agent = a;
      threads.add(Thread.ofVirtual().start(() -> {
        for (int n = 0; !stopped && sent.incrementAndGet() <= limit; n++) {
          post(port.getAsInt(), prefix + "-" + agent + "-" + n);
        }
      }));
    }
  }

  private void post(int port, String id) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + Paths.MACHINE_EVENT))
        .timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofString(TestEvents.android(id))).build();
    int status;
    long start = System.nanoTime();
    try {
      status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      status = 0; // no answer: the server is down, or died mid-request
      sleep(20);
    }
    slowestMillis.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), Math::max);
    if (status != 200) {
      sleep(50); // as agents back off
    }
    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
    if (status == 200) {
      acked.add(id);
    }
  }

  Set<String> acked() {
    return Set.copyOf(acked);
  }

  /** The longest any request took to be answered (or to fail). */
  long slowestMillis() {
    return slowestMillis.get();
  }

  /** How many requests ended with each status; 0 for no answer. */
  Map<Integer, Integer> statuses() {
    Map<Integer, Integer> m = new TreeMap<>();
    statuses.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  /** The acknowledged machines that the server does not know. */
  static Set<String> lost(Set<String> acked, int port) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + Paths.MACHINES)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    Set<String> known = new TreeSet<>();
    for (Description d : Json.newMapper().readValue(r.body(), new TypeReference<List<Description>>() {})) {
      known.add(d.dimension("id"));
    }
    Set<String> lost = new TreeSet<>(acked);
    lost.removeAll(known);
    return lost;
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    for (Thread t : threads) {
      t.join(Duration.ofSeconds(90));
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
