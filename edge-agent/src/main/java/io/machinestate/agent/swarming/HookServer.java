package io.machinestate.agent.swarming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.machinestate.logging.LogText;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Loopback;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The local HTTP server that Swarming's bot_config.py hooks call: it tells the bot which
 * dimensions and state to report, and learns when tasks start and end.
 *
 * <p>Bound to loopback, it answers only requests whose Host header names this machine: a web page
 * in a browser on the host could otherwise reach it through DNS rebinding (its own name, made to
 * resolve to 127.0.0.1) and call {@code /on_after_task}, which reboots the device.
 */
public final class HookServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(HookServer.class.getName());
  /** Swarming's input is a small JSON dict; anything much bigger is not from Swarming. */
  private static final int MAX_BODY_BYTES = 1 << 20;
  private static final byte[] SETTINGS =
      "{\"caches\":{\"isolated\":{\"size\":8589934592}}}".getBytes(StandardCharsets.UTF_8);

  private static final String JSON = "application/json";
  private static final String PLAIN = "text/plain; charset=utf-8";
  private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
  private static final byte[] OK = "ok\n".getBytes(StandardCharsets.UTF_8);
  private static final Filter LOOPBACK_HOST = new LoopbackHost();

  private final HttpServer server;
  /** False when bound beyond loopback: the bot then calls from elsewhere, by whatever name it knows. */
  private final boolean loopbackOnly;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Supplier<Description> description;
  private final AtomicBoolean runningTask;
  private final Runnable afterTask;
  private final String rackName;
  private final Supplier<String> metrics;
  private final ObjectMapper mapper;

  /**
   * @param runningTask set while a task runs
   * @param afterTask run in the background after each task: reboot the device, interrogate
   * @param rackName reported as {@code sk_rack} in the bot's state
   * @param metrics the agent's metrics in Prometheus's text format, served at /metrics
   */
  public HookServer(InetSocketAddress address, Supplier<Description> description, AtomicBoolean runningTask,
      Runnable afterTask, String rackName, Supplier<String> metrics, ObjectMapper mapper) throws IOException {
    this.description = description;
    this.runningTask = runningTask;
    this.afterTask = afterTask;
    this.rackName = rackName;
    this.metrics = metrics;
    this.mapper = mapper;
    server = HttpServer.create(address, 0);
    loopbackOnly = server.getAddress().getAddress().isLoopbackAddress();
    server.setExecutor(executor);
    route("/get_state", exchange -> handle(exchange, "POST", this::getState));
    route("/get_settings", exchange -> handle(exchange, "GET", ignored -> SETTINGS));
    route("/get_dimensions", exchange -> handle(exchange, "POST", this::getDimensions));
    route("/on_before_task", exchange -> handle(exchange, "GET", ignored -> onBeforeTask()));
    route("/on_after_task", exchange -> handle(exchange, "GET", ignored -> onAfterTask()));
    // Served while the agent runs: a supervisor or probe learns that it is alive and answering.
    route("/healthz", exchange -> handle(exchange, "GET", PLAIN, ignored -> OK));
    route("/metrics", exchange -> handle(exchange, "GET", PROMETHEUS,
        ignored -> this.metrics.get().getBytes(StandardCharsets.UTF_8)));
  }

  public void start() {
    if (!loopbackOnly) {
      LOG.log(Level.WARNING, "The Swarming hook server listens on {0}, beyond loopback (--bind): whoever reaches it can "
          + "call /on_after_task and so reboot the device, and its Host header is not checked", server.getAddress());
    }
    server.start();
  }

  private void route(String path, HttpHandler handler) {
    HttpContext context = server.createContext(path, handler);
    if (loopbackOnly) {
      context.getFilters().add(LOOPBACK_HOST);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The bot's state minus the keys only the server decides, plus the rack. */
  private byte[] getState(HttpExchange exchange) throws IOException {
    Map<String, Object> state = read(exchange, new TypeReference<LinkedHashMap<String, Object>>() {});
    state.remove("quarantined");
    state.remove("maintenance");
    state.put("sk_rack", rackName);
    return mapper.writeValueAsBytes(state);
  }

  /** The bot's dimensions with this machine's (non-empty) dimensions laid over them. */
  private byte[] getDimensions(HttpExchange exchange) throws IOException {
    Map<String, List<String>> dimensions = read(exchange, new TypeReference<LinkedHashMap<String, List<String>>>() {});
    description.get().dimensions().forEach((key, values) -> {
      if (values != null && !values.isEmpty()) {
        dimensions.put(key, values);
      }
    });
    if (dimensions.isEmpty()) {
      throw new HttpError(500, "no dimensions: the machine has no Description yet and the bot sent none");
    }
    return mapper.writeValueAsBytes(dimensions);
  }

  private byte[] onBeforeTask() {
    runningTask.set(true);
    return new byte[0];
  }

  private byte[] onAfterTask() {
    runningTask.set(false);
    executor.execute(afterTask);
    return new byte[0];
  }

  private <T> T read(HttpExchange exchange, TypeReference<T> type) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (body.length > MAX_BODY_BYTES) {
      throw new HttpError(413, "request body over " + MAX_BODY_BYTES + " bytes");
    }
    T value;
    try {
      value = mapper.readValue(body, type);
    } catch (JsonProcessingException e) {
      throw new HttpError(400, "bad JSON: " + e.getOriginalMessage());
    }
    if (value == null) {
      throw new HttpError(400, "bad JSON: want an object, got null");
    }
    return value;
  }

  /** Lets through requests with exactly one Host header that names this machine, such as localhost:11000. */
  private static final class LoopbackHost extends Filter {
    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
      List<String> hosts = exchange.getRequestHeaders().getOrDefault("Host", List.of());
      if (hosts.size() == 1 && Loopback.isLoopback(hostName(hosts.getFirst()))) {
        chain.doFilter(exchange);
        return;
      }
      String shown = LogText.of(String.join(", ", hosts));
      LOG.log(Level.WARNING, "Swarming hook {0}: refused Host \"{1}\": not this machine (DNS rebinding from a browser?)",
          LogText.of(exchange.getRequestURI().getPath()), shown);
      try (exchange) {
        byte[] body = ("Host \"" + shown + "\" is not this machine: the hook server answers 127.0.0.1, localhost and [::1] "
            + "only, unless --bind widens it\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", PLAIN);
        exchange.sendResponseHeaders(403, body.length);
        exchange.getResponseBody().write(body);
      }
    }

    @Override
    public String description() {
      return "accepts loopback Host values only";
    }

    /** The host of a Host header, without its port; the whole value when it is not host[:port]. */
    static String hostName(String header) {
      String value = header.strip();
      int end = value.startsWith("[") ? value.indexOf(']') + 1 : value.indexOf(':');
      if (end <= 0) {
        return value;
      }
      String port = value.substring(end);
      return port.isEmpty() || port.matches(":\\d{1,5}") ? value.substring(0, end) : value;
    }
  }

  private interface Handler {
    byte[] respond(HttpExchange exchange) throws IOException;
  }

  private static final class HttpError extends IOException {
    final int status;

    HttpError(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private static void handle(HttpExchange exchange, String method, Handler handler) {
    handle(exchange, method, JSON, handler);
  }

  private static void handle(HttpExchange exchange, String method, String contentType, Handler handler) {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      int status = 200;
      byte[] body;
      String type = contentType;
      if (!exchange.getRequestMethod().equals(method)) {
        status = 405;
        body = (path + " takes " + method + "\n").getBytes(StandardCharsets.UTF_8);
        type = PLAIN;
        exchange.getResponseHeaders().set("Allow", method);
      } else {
        try {
          body = handler.respond(exchange);
        } catch (HttpError e) {
          LOG.log(Level.WARNING, "Swarming hook {0}: {1} {2}", path, e.status, e.getMessage());
          status = e.status;
          body = (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
          type = PLAIN;
        }
      }
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        exchange.getResponseBody().write(body);
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "Swarming hook " + exchange.getRequestURI() + " failed", e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
