package io.machinestate.agent.swarming;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.HttpUrl;

/**
 * Stand-ins on 127.0.0.1 for the lab's metadata server ({@code /token}) and a Swarming server
 * ({@code /bot_code}), one HTTP server playing either. Each request is recorded with the header
 * that matters to it.
 */
final class FakeSwarming implements AutoCloseable {
  static final String TOKEN = "ya29.fake-access-token";
  static final byte[] ZIP = "PK\u0003\u0004 the bot's code".getBytes(StandardCharsets.ISO_8859_1);

  private final HttpServer server;
  /** "path header": the Metadata-Flavor of /token requests, the Authorization of /bot_code ones. */
  final List<String> requests = new CopyOnWriteArrayList<>();
  volatile int status = 200;
  volatile byte[] tokenBody = ("{\"access_token\":\"" + TOKEN + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}")
      .getBytes(StandardCharsets.UTF_8);
  volatile byte[] botCode = ZIP;

  FakeSwarming() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/token", e -> answer(e, "Metadata-Flavor", tokenBody));
    server.createContext("/bot_code", e -> answer(e, "Authorization", botCode));
    server.start();
  }

  private void answer(HttpExchange exchange, String header, byte[] body) throws IOException {
    requests.add(exchange.getRequestURI().getPath() + " " + exchange.getRequestHeaders().getFirst(header));
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  HttpUrl url() {
    return HttpUrl.get("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  HttpUrl tokenUrl() {
    return url().resolve("/token");
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
