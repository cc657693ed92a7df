package io.machinestate.bench;

import io.machinestate.protocol.Json;
import io.machinestate.protocol.Paths;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;

/**
 * Drives a running central server with simulated Android machines and reports events/s, the
 * latency of each event until committed, and the time from an event to its SSE delivery.
 *
 * <p>Closed loop (the default, {@code --rate 0}): {@code --concurrency} senders post as fast as the
 * server answers, which measures the sustained throughput. Open loop ({@code --rate R}): events are
 * sent at R per second whatever the server does, and latency counts from when each was due, so a
 * stall is not hidden (no coordinated omission).
 */
public final class Bench {
  static final String USAGE = """
      Usage: bench [--server URL] [--machines N] [--seconds S] [--rate R] [--concurrency C] [--sse-machines K]
                   [--followers F]
        --server URL        the central server (default http://127.0.0.1:8000)
        --machines N        simulated machines (default 10000)
        --seconds S         measured duration (default 30)
        --rate R            events per second, open loop; 0 = as fast as possible (default 0)
        --concurrency C     senders in the closed loop (default 32)
        --sse-machines K    machines followed over SSE to time delivery (default 20)
        --followers F       also follow the first F load machines over SSE, one stream each, as
                            their agents do, and time every delivery (default 0)
      """;
  private static final MediaType JSON = MediaType.get("application/json");
  private static final String CONFLICTS = "machineserver_store_conflicts_retried_total";

  /** What to run. */
  record Options(String server, int machines, int seconds, int rate, int concurrency, int sseMachines,
      int followers) {
    static Options parse(String[] args) {
      Map<String, String> m = new ConcurrentHashMap<>();
      for (int i = 0; i < args.length; i++) {
        if (!args[i].startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException("bad argument \"" + args[i] + "\"\n" + USAGE);
        }
        m.put(args[i].substring(2), args[++i]);
      }
      Options o = new Options(m.getOrDefault("server", "http://127.0.0.1:8000"),
          Integer.parseInt(m.getOrDefault("machines", "10000")),
          Integer.parseInt(m.getOrDefault("seconds", "30")),
          Integer.parseInt(m.getOrDefault("rate", "0")),
          Integer.parseInt(m.getOrDefault("concurrency", "32")),
          Integer.parseInt(m.getOrDefault("sse-machines", "20")),
          Integer.parseInt(m.getOrDefault("followers", "0")));
      m.keySet().removeAll(List.of("server", "machines", "seconds", "rate", "concurrency", "sse-machines",
          "followers"));
      if (!m.isEmpty()) {
        throw new IllegalArgumentException("unknown flags " + m.keySet() + "\n" + USAGE);
      }
      return o;
    }
  }

  /** What a run measured. */
  record Result(long ok, long failed, double eventsPerSecond, Latencies events, Latencies sse) {}

  private final Options options;
  private final OkHttpClient http;
  private final AndroidEvents events = new AndroidEvents(Json.newMapper());
  private volatile Followers followers;

  Bench(Options options) {
    this.options = options;
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequestsPerHost(options.sseMachines() + 16); // each SSE stream holds one
    dispatcher.setMaxRequests(options.sseMachines() + 16);
    this.http = new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .connectionPool(new ConnectionPool(Math.max(64, options.concurrency() * 2), 1, TimeUnit.MINUTES))
        .readTimeout(Duration.ofSeconds(60))
        .build();
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--help")) {
      System.out.print(USAGE);
      return;
    }
    Options options = Options.parse(args);
    Bench bench = new Bench(options);
    try {
      bench.run(System.out);
    } finally {
      bench.close();
    }
  }

  Result run(PrintStream out) throws Exception {
    out.printf("seeding %d machines at %s%n", options.machines(), options.server());
    double conflictsBefore = serverMetric(CONFLICTS);
    long seedStart = System.nanoTime();
    long seedFailed = seed();
    out.printf("seeded in %.1f s: %d failed, %.3f conflicts per machine%n", (System.nanoTime() - seedStart) / 1e9,
        seedFailed, (serverMetric(CONFLICTS) - conflictsBefore) / options.machines());
    double rssBefore = serverMetric("process_resident_memory_bytes");
    if (options.followers() > 0) {
      List<String> followed = new ArrayList<>();
      for (int i = 0; i < Math.min(options.followers(), options.machines()); i++) {
        followed.add(machine(i));
      }
      followers = new Followers(options.server(), followed);
      out.printf("%d SSE streams open: server RSS %.0f MiB, %.1f KiB a stream%n", followed.size(),
          serverMetric("process_resident_memory_bytes") / (1 << 20),
          (serverMetric("process_resident_memory_bytes") - rssBefore) / 1024 / followed.size());
    }
    double cpuBefore = serverMetric("process_cpu_seconds_total");
    conflictsBefore = serverMetric(CONFLICTS);
    SseProbe probe = new SseProbe();
    probe.start();
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    Latencies latencies = new Latencies();
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(options.seconds());
    if (options.rate() > 0) {
      openLoop(deadline, ok, failed, latencies);
    } else {
      closedLoop(deadline, ok, failed, latencies);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    probe.stop();
    Result result = new Result(ok.get(), failed.get(), ok.get() / seconds, latencies, probe.latencies);
    out.printf("%s, %d machines, %.1f s: %d events committed, %d failed%n",
        options.rate() > 0 ? "open loop at " + options.rate() + "/s" : "closed loop, " + options.concurrency() + " senders",
        options.machines(), seconds, result.ok(), result.failed());
    out.printf("throughput: %.0f events/s, %.3f serialization conflicts retried per event%n", result.eventsPerSecond(),
        (serverMetric(CONFLICTS) - conflictsBefore) / Math.max(1, result.ok()));
    out.printf("event latency: %s%n", latencies.summary());
    out.printf("event to SSE delivery (%d machines): %s%n", options.sseMachines(), probe.latencies.summary());
    if (followers != null) {
      out.printf("event to SSE delivery (%d followers): %s%n", options.followers(), followers.latencies.summary());
      followers.close();
    }
    out.printf("server: %.3f ms CPU per event, RSS %.0f MiB%n",
        (serverMetric("process_cpu_seconds_total") - cpuBefore) * 1000 / Math.max(1, result.ok()),
        serverMetric("process_resident_memory_bytes") / (1 << 20));
    return result;
  }

  /** Creates every machine; returns how many creations failed. */
  private long seed() throws InterruptedException {
    AtomicLong next = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<Thread> senders = new ArrayList<>();
    for (int i = 0; i < Math.max(1, options.concurrency()); i++) {
      senders.add(Thread.ofVirtual().start(() -> {
        for (long m; (m = next.getAndIncrement()) < options.machines(); ) {
          if (!post(machine(m))) {
            failed.incrementAndGet();
          }
        }
      }));
    }
    for (Thread t : senders) {
      t.join();
    }
    return failed.get();
  }

  private void closedLoop(long deadline, AtomicLong ok, AtomicLong failed, Latencies latencies)
      throws InterruptedException {
    AtomicLong next = new AtomicLong();
    List<Thread> senders = new ArrayList<>();
    for (int i = 0; i < options.concurrency(); i++) {
      senders.add(Thread.ofVirtual().start(() -> {
        while (System.nanoTime() < deadline) {
          long t0 = System.nanoTime();
          boolean committed = post(machine(next.getAndIncrement() % options.machines()));
          latencies.add(System.nanoTime() - t0);
          (committed ? ok : failed).incrementAndGet();
        }
      }));
    }
    for (Thread t : senders) {
      t.join();
    }
  }

  private void openLoop(long deadline, AtomicLong ok, AtomicLong failed, Latencies latencies)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(2000);
    long interval = TimeUnit.SECONDS.toNanos(1) / options.rate();
    long start = System.nanoTime();
    List<Thread> senders = new ArrayList<>();
    for (long i = 0; ; i++) {
      long due = start + i * interval;
      if (due >= deadline) {
        break;
      }
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      if (!inFlight.tryAcquire()) {
        failed.incrementAndGet(); // the server fell so far behind that the bench gave up on it
        continue;
      }
      String id = machine(i % options.machines());
      senders.add(Thread.ofVirtual().start(() -> {
        try {
          boolean committed = post(id);
          latencies.add(System.nanoTime() - due);
          (committed ? ok : failed).incrementAndGet();
        } finally {
          inFlight.release();
        }
      }));
    }
    for (Thread t : senders) {
      t.join();
    }
  }

  /** One value of the server's Prometheus metrics; NaN when it has none. */
  private double serverMetric(String name) {
    try (Response response = http.newCall(new Request.Builder().url(options.server() + Paths.METRICS).build()).execute()) {
      for (String line : response.body().string().split("\n")) {
        if (line.startsWith(name + " ")) {
          return Double.parseDouble(line.substring(name.length() + 1).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // an older server, or none: the figure is left out
    }
    return Double.NaN;
  }

  private boolean post(String machineId) {
    Followers f = followers;
    if (f != null) {
      f.sent(machineId);
    }
    Request request = new Request.Builder()
        .url(options.server() + Paths.MACHINE_EVENT)
        .post(RequestBody.create(events.event(machineId), JSON))
        .build();
    try (Response response = http.newCall(request).execute()) {
      return response.code() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  private static String machine(long i) {
    return String.format("bench-%06d", i);
  }

  void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  /** Posts events for machines it follows over SSE and times each until its message arrives. */
  private final class SseProbe {
    final Latencies latencies = new Latencies();
    private final Map<String, BlockingQueue<String>> messages = new ConcurrentHashMap<>();
    private final List<EventSource> sources = new ArrayList<>();
    private volatile boolean running = true;
    private Thread prober;

    void start() throws InterruptedException {
      CountDownLatch opened = new CountDownLatch(options.sseMachines());
      for (int i = 0; i < options.sseMachines(); i++) {
        String id = String.format("bench-sse-%03d", i);
        post(id);
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        messages.put(id, queue);
        sources.add(EventSources.createFactory(http).newEventSource(
            new Request.Builder().url(options.server() + Paths.machineSse(id)).build(),
            new EventSourceListener() {
              @Override
              public void onOpen(EventSource source, Response response) {
                opened.countDown();
              }

              @Override
              public void onEvent(EventSource source, String eventId, String type, String data) {
                queue.add(data);
              }
            }));
      }
      opened.await(10, TimeUnit.SECONDS);
      Thread.sleep(200); // let each stream's first message, the current Description, arrive
      messages.values().forEach(BlockingQueue::clear);
      prober = Thread.ofVirtual().start(this::probe);
    }

    private void probe() {
      List<String> ids = List.copyOf(messages.keySet());
      for (int i = 0; running; i++) {
        String id = ids.get(i % ids.size());
        BlockingQueue<String> queue = messages.get(id);
        queue.clear();
        long t0 = System.nanoTime();
        if (post(id)) {
          try {
            if (queue.poll(5, TimeUnit.SECONDS) != null) {
              latencies.add(System.nanoTime() - t0);
            }
            Thread.sleep(50);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }

    void stop() throws InterruptedException {
      running = false;
      if (prober != null) {
        prober.join();
      }
      sources.forEach(EventSource::cancel);
    }
  }
}
