package io.machinestate.powercycle.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/** A Synaccess power strip's HTTP interface on 127.0.0.1, recording each request and command it receives. */
public final class FakeSynaccess implements AutoCloseable {
  /** A decoded query such as {@code $A3 2 0} and the Authorization header it came with. */
  public record Command(String query, String authorization, long nanos) {}

  private final List<Command> commands = new CopyOnWriteArrayList<>();
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private final HttpServer http;
  private volatile int status = 200;

  /** @param port 0 for any free port */
  public FakeSynaccess(int port) throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    http.createContext("/", this::handle);
    http.start();
  }

  public String address() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  public List<Command> commands() {
    return List.copyOf(commands);
  }

  /** The path of every request, commands and reads alike. */
  public List<String> paths() {
    return List.copyOf(paths);
  }

  public List<String> queries() {
    return commands.stream().map(Command::query).toList();
  }

  /** The HTTP status of every answer from now on. */
  public void answer(int status) {
    this.status = status;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      paths.add(exchange.getRequestURI().getPath());
      if (exchange.getRequestURI().getPath().equals("/cmd.cgi")) {
        commands.add(new Command(
            exchange.getRequestURI().getQuery(),
            exchange.getRequestHeaders().getFirst("Authorization"),
            System.nanoTime()));
      }
      byte[] body = "$A0".getBytes();
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
