package io.machinestate.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ServerFailureTest {
  private HttpServer server;
  private final OkHttpClient client = new OkHttpClient();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    // An error body that never ends: only a bounded read returns.
    server.createContext("/endless", exchange -> {
      exchange.sendResponseHeaders(500, 0);
      byte[] line = "overloaded, try later\n".getBytes(StandardCharsets.UTF_8);
      try (OutputStream out = exchange.getResponseBody()) {
        while (true) {
          out.write(line);
        }
      } catch (IOException clientGone) {
        exchange.close();
      }
    });
    server.createContext("/refused", exchange -> {
      byte[] body = "token not valid\n".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(401, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.createContext("/empty", exchange -> {
      exchange.sendResponseHeaders(503, -1);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  @Timeout(20) // an unbounded read would never return
  void anEndlessErrorBodyIsReadOnlySoFar() throws IOException {
    String text = describe("/endless");
    assertTrue(text.startsWith("HTTP 500 overloaded, try later\noverloaded"), text);
    assertTrue(text.endsWith("..."), text);
    assertEquals("HTTP 500 ".length() + ServerFailure.MAX_CHARS + "...".length(), text.length());
  }

  @Test
  void refusedCredentialsAreNamedAndAnEmptyBodyLeavesTheStatus() throws IOException {
    assertEquals("the server refused our credentials: 401 token not valid", describe("/refused"));
    assertEquals("HTTP 503", describe("/empty"));
  }

  private String describe(String path) throws IOException {
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + path;
    try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
      return ServerFailure.describe(r);
    }
  }
}
