package io.machinestate.powercycle.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.machinestate.protocol.Json;
import io.machinestate.protocol.Paths;
import io.machinestate.protocol.Requests.UpdatePowerCycleStateRequest;
import io.machinestate.testing.TestCa;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import okhttp3.HttpUrl;

/**
 * Stands in for the central server's power-cycle API on 127.0.0.1: the request list, completions,
 * state updates and the push stream, with switches to make it fail or vanish; over https when given
 * a test CA.
 */
public final class FakeCentralServer implements AutoCloseable {
  private static final String END = "\u0000end";

  private final ObjectMapper json = Json.newMapper();
  private final boolean withStream;
  private final Set<String> requested = new LinkedHashSet<>();
  private final List<String> completions = new CopyOnWriteArrayList<>();
  private final List<UpdatePowerCycleStateRequest> stateUpdates = new CopyOnWriteArrayList<>();
  private final List<Long> requestNanos = new CopyOnWriteArrayList<>();
  private final List<BlockingQueue<String>> subscribers = new CopyOnWriteArrayList<>();
  private final List<String> streamAuthorizations = new CopyOnWriteArrayList<>();
  private final TestCa tls;
  private final int port;
  private HttpServer http;
  private volatile int failingCompletions;
  private volatile Duration listDelay = Duration.ZERO;
  private volatile int listCalls;

  /** @param withStream false to answer 404 on the push stream, like the Go server */
  public FakeCentralServer(boolean withStream) throws IOException {
    this(withStream, null);
  }

  /** @param tls the CA that signed the certificate served, or null for plain http */
  public FakeCentralServer(boolean withStream, TestCa tls) throws IOException {
    this.withStream = withStream;
    this.tls = tls;
    this.http = bind(0);
    this.port = http.getAddress().getPort();
  }

  public HttpUrl url() {
    return HttpUrl.get((tls == null ? "http" : "https") + "://127.0.0.1:" + port + "/");
  }

  /** The Authorization header of each push stream request, "" when there was none. */
  public List<String> streamAuthorizations() {
    return List.copyOf(streamAuthorizations);
  }

  /** An operator asks for a power cycle. */
  public void request(String machine) {
    synchronized (this) {
      requested.add(machine);
    }
    publish();
  }

  public synchronized boolean isRequested(String machine) {
    return requested.contains(machine);
  }

  /** The next {@code n} completions answer 503. */
  public void failCompletions(int n) {
    failingCompletions = n;
  }

  /** Answers list requests this much later, with the list as it was when asked: stale answers. */
  public void delayLists(Duration delay) {
    listDelay = delay;
  }

  public List<String> completions() {
    return List.copyOf(completions);
  }

  public List<UpdatePowerCycleStateRequest> stateUpdates() {
    return List.copyOf(stateUpdates);
  }

  public int listCalls() {
    return listCalls;
  }

  /** {@link System#nanoTime()} of every request received. */
  public List<Long> requestNanos() {
    return List.copyOf(requestNanos);
  }

  /** Stops answering: connections are refused until {@link #restart()}. */
  public synchronized void stop() {
    endStreams();
    http.stop(0);
  }

  public synchronized void restart() throws IOException {
    http = bind(port);
  }

  @Override
  public void close() {
    stop();
  }

  private HttpServer bind(int port) throws IOException {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    HttpServer server = TestCa.bind(address, tls);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
    return server;
  }

  private void handle(HttpExchange exchange) throws IOException {
    requestNanos.add(System.nanoTime());
    String path = exchange.getRequestURI().getRawPath();
    try (exchange) {
      if (path.equals(Paths.POWERCYCLE_LIST)) {
        listCalls++;
        String list = listJson();
        sleep(listDelay);
        respond(exchange, 200, list);
      } else if (path.startsWith(Paths.POWERCYCLE_COMPLETE)) {
        String machine = URLDecoder.decode(path.substring(Paths.POWERCYCLE_COMPLETE.length()), StandardCharsets.UTF_8);
        if (failingCompletions > 0) {
          failingCompletions--;
          respond(exchange, 503, "database unavailable");
          return;
        }
        completions.add(machine);
        synchronized (this) {
          requested.remove(machine);
        }
        respond(exchange, 200, "");
        publish();
      } else if (path.equals(Paths.POWERCYCLE_STATE_UPDATE)) {
        stateUpdates.add(json.readValue(exchange.getRequestBody(), UpdatePowerCycleStateRequest.class));
        respond(exchange, 200, "");
      } else if (path.equals(Paths.POWERCYCLE_SSE) && withStream) {
        streamAuthorizations.add(Objects.requireNonNullElse(exchange.getRequestHeaders().getFirst("Authorization"), ""));
        stream(exchange);
      } else {
        respond(exchange, 404, "not found");
      }
    }
  }

  private void stream(HttpExchange exchange) throws IOException {
    BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    queue.add(listJson());
    subscribers.add(queue);
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    try {
      while (true) {
        String data = queue.take();
        if (data.equals(END)) {
          return;
        }
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // The agent hung up.
    } finally {
      subscribers.remove(queue);
    }
  }

  private void publish() {
    String list = listJson();
    subscribers.forEach(q -> q.add(list));
  }

  private void endStreams() {
    subscribers.forEach(q -> q.add(END));
  }

  private synchronized String listJson() {
    try {
      return json.writeValueAsString(new ArrayList<>(requested));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void respond(HttpExchange exchange, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }
}
