package io.machinestate.agent.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GceMetadataTest {
  final OkHttpClient http = new OkHttpClient();
  final AtomicInteger requests = new AtomicInteger();
  HttpServer server;

  private String serve(String flavor, String body) throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/computeMetadata/v1/instance/", exchange -> {
      requests.incrementAndGet();
      if (!"Google".equals(exchange.getRequestHeaders().getFirst("Metadata-Flavor"))) {
        exchange.sendResponseHeaders(403, -1);
        return;
      }
      if (flavor != null) {
        exchange.getResponseHeaders().set("Metadata-Flavor", flavor);
      }
      byte[] bytes = (exchange.getRequestURI().getPath().endsWith("/cpu-platform") ? "Intel Haswell" : body)
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void onGceAnswersTheMachineTypeAndCpuPlatformOnce() throws Exception {
    GceMetadata gce = new GceMetadata(http, serve("Google", "projects/123/machineTypes/n1-standard-4"), Duration.ofSeconds(2));
    assertEquals(new GceMetadata.Answer(true, "n1-standard-4", "Intel Haswell"), gce.answer());
    assertEquals(new GceMetadata.Answer(true, "n1-standard-4", "Intel Haswell"), gce.answer());
    assertEquals(2, requests.get(), "the machine type and CPU platform, once");
  }

  @Test
  void aServerThatIsNotTheMetadataServerMeansOffGce() throws Exception {
    GceMetadata gce = new GceMetadata(http, serve(null, "<html>captive portal</html>"), Duration.ofSeconds(2));
    assertEquals(new GceMetadata.Answer(false, "", ""), gce.answer());
  }

  @Test
  void noServerMeansOffGce() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    GceMetadata gce = new GceMetadata(http, "127.0.0.1:" + closedPort, Duration.ofSeconds(2));
    assertEquals(new GceMetadata.Answer(false, "", ""), gce.answer());
  }
}
