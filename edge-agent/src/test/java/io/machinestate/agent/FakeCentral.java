package io.machinestate.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import io.machinestate.protocol.Json;
import io.machinestate.protocol.Paths;
import io.machinestate.testing.TestCa;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import okhttp3.HttpUrl;

/**
 * A stand-in for the central server on 127.0.0.1, for tests of the agent's side of the protocol.
 * It turns each accepted event into a Description with the dimensions {@code id} and {@code
 * reported} (which sub-record the event carried), and pushes every Description change over SSE,
 * either as this implementation's server does (the whole Description, also on connect) or as the
 * Go server does (just {@code update}).
 */
public final class FakeCentral implements AutoCloseable {
  private static final String CLOSE = "\u0000close";

  private final ObjectMapper mapper = Json.newMapper();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Event> accepted = new CopyOnWriteArrayList<>();
  private final AtomicInteger eventRequests = new AtomicInteger();
  private final AtomicInteger descriptionGets = new AtomicInteger();
  private final AtomicInteger sseConnections = new AtomicInteger();
  private final Deque<Integer> eventStatuses = new ArrayDeque<>();
  private final Map<String, Description> descriptions = new HashMap<>();
  private final List<BlockingQueue<String>> streams = new CopyOnWriteArrayList<>();
  private volatile boolean goStyle;
  /** Each request's path and Authorization header ("none" without one). */
  private final List<String> authorizations = new CopyOnWriteArrayList<>();

  private FakeCentral(int port, TestCa tls) throws IOException {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    server = TestCa.bind(address, tls);
    server.setExecutor(executor);
    server.createContext(Paths.MACHINE_EVENT, this::event).getFilters().add(recordAuthorization());
    server.createContext(Paths.MACHINE_DESCRIPTION, this::description).getFilters().add(recordAuthorization());
    server.createContext(Paths.MACHINE_SSE, this::sse).getFilters().add(recordAuthorization());
    server.start();
  }

  public static FakeCentral start() throws IOException {
    return new FakeCentral(0, null);
  }

  /** Starts on a given port, as a restarted server would. */
  public static FakeCentral start(int port) throws IOException {
    return new FakeCentral(port, null);
  }

  /** Starts over https, with a certificate the test CA signed. */
  public static FakeCentral startHttps(TestCa tls) throws IOException {
    return new FakeCentral(0, tls);
  }

  public HttpUrl url() {
    return HttpUrl.get((server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + port() + "/");
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** SSE messages become just "update", with none on connect. */
  public void goStyle() {
    goStyle = true;
  }

  /** The next {@code count} events are answered with {@code status} and not processed. */
  public synchronized void failEvents(int status, int count) {
    for (int i = 0; i < count; i++) {
      eventStatuses.add(status);
    }
  }

  public List<Event> accepted() {
    return List.copyOf(accepted);
  }

  public int eventRequests() {
    return eventRequests.get();
  }

  public int descriptionGets() {
    return descriptionGets.get();
  }

  public int sseConnections() {
    return sseConnections.get();
  }

  /** One entry per request: its path, a space and its Authorization header, or "none". */
  public List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  private Filter recordAuthorization() {
    return Filter.beforeHandler("records the Authorization header", exchange -> {
      String header = exchange.getRequestHeaders().getFirst("Authorization");
      authorizations.add(exchange.getRequestURI().getPath() + " " + (header == null ? "none" : header));
    });
  }

  public synchronized Description description(String machineId) {
    return descriptions.get(machineId);
  }

  /** Changes a machine's Description, as an operator would, and announces it. */
  public synchronized void setDescription(String machineId, Description d) {
    descriptions.put(machineId, d);
    publish(goStyle ? "update" : json(d));
  }

  /** Sends one raw SSE message to every follower. */
  public void publish(String data) {
    streams.forEach(q -> q.add(data));
  }

  /** Ends every SSE stream from the server's side. */
  public void closeStreams() {
    streams.forEach(q -> q.add(CLOSE));
  }

  private void event(HttpExchange exchange) throws IOException {
    eventRequests.incrementAndGet();
    Event event = mapper.readValue(exchange.getRequestBody(), Event.class);
    Integer status;
    synchronized (this) {
      status = eventStatuses.poll();
    }
    if (status != null) {
      respond(exchange, status, "injected failure");
      return;
    }
    accepted.add(event);
    String id = event.host().name();
    Description previous;
    synchronized (this) {
      previous = descriptions.getOrDefault(id, Description.newDescription(Instant.now()));
    }
    Map<String, List<String>> dims = new TreeMap<>(previous.dimensions());
    dims.put("id", List.of(id));
    dims.put("reported", List.of(reported(event)));
    setDescription(id, previous.toBuilder().dimensions(dims).lastUpdated(Instant.now())
        .runningSwarmingTask(event.runningSwarmingTask()).isQuarantined(previous.isQuarantined() || event.forcedQuarantine())
        .build());
    respond(exchange, 200, "");
  }

  private static String reported(Event e) {
    if (e.android().populated()) return "android";
    if (e.chromeos().populated()) return "chromeos";
    if (e.ios().populated()) return "ios";
    if (e.pyocd().populated()) return "pyocd";
    if (e.standalone().populated()) return "standalone";
    return "none";
  }

  private void description(HttpExchange exchange) throws IOException {
    descriptionGets.incrementAndGet();
    String id = URLDecoder.decode(exchange.getRequestURI().getRawPath().substring(Paths.MACHINE_DESCRIPTION.length()),
        StandardCharsets.UTF_8);
    Description d = description(id);
    if (d == null) {
      respond(exchange, 404, "unknown machine " + id);
    } else {
      respond(exchange, 200, json(d));
    }
  }

  private void sse(HttpExchange exchange) throws IOException {
    sseConnections.incrementAndGet();
    String id = URLDecoder.decode(exchange.getRequestURI().getRawQuery().substring("stream=".length()), StandardCharsets.UTF_8);
    BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    synchronized (this) { // so that no change falls between the first message and the next
      Description current = descriptions.get(id);
      if (!goStyle && current != null) {
        queue.add(json(current));
      }
      streams.add(queue);
    }
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    try (exchange; OutputStream out = exchange.getResponseBody()) {
      out.flush();
      while (true) {
        String data = queue.take();
        if (data.equals(CLOSE)) {
          return;
        }
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (InterruptedException | IOException e) {
      // server stopped or client gone
    } finally {
      streams.remove(queue);
    }
  }

  private String json(Description d) {
    try {
      return mapper.writeValueAsString(d);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "text/plain");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }

  /** Stops as a killed server would: open streams are cut, not ended. */
  public void crash() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public void close() {
    closeStreams();
    server.stop(0);
    executor.shutdownNow();
  }

  /** Polls until {@code condition} holds, failing after {@code seconds}. */
  public static void await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
      }
      Thread.sleep(10);
    }
  }
}
