package io.machinestate.agent.swarming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.machinestate.protocol.Description;
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

  private final HttpServer server;
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
    server.setExecutor(executor);
    server.createContext("/get_state", exchange -> handle(exchange, "POST", this::getState));
    server.createContext("/get_settings", exchange -> handle(exchange, "GET", ignored -> SETTINGS));
    server.createContext("/get_dimensions", exchange -> handle(exchange, "POST", this::getDimensions));
    server.createContext("/on_before_task", exchange -> handle(exchange, "GET", ignored -> onBeforeTask()));
    server.createContext("/on_after_task", exchange -> handle(exchange, "GET", ignored -> onAfterTask()));
    // Served while the agent runs: a supervisor or probe learns that it is alive and answering.
    server.createContext("/healthz", exchange -> handle(exchange, "GET", PLAIN, ignored -> OK));
    server.createContext("/metrics", exchange -> handle(exchange, "GET", PROMETHEUS,
        ignored -> this.metrics.get().getBytes(StandardCharsets.UTF_8)));
  }

  public void start() {
    server.start();
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
