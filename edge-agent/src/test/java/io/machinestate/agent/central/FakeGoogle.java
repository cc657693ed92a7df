package io.machinestate.agent.central;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in on 127.0.0.1 for Google's token endpoints: a GCE metadata server (its root, which
 * says it is one, and the default service account's token) and the OAuth2 token endpoint a
 * service account's key names ({@code /token}, which takes a signed JWT).
 */
public final class FakeGoogle implements AutoCloseable {
  public static final String METADATA_TOKEN = "ya29.from-the-metadata-server";
  public static final String SERVICE_ACCOUNT_TOKEN = "ya29.from-a-service-account";

  private final HttpServer server;
  /** Each request: its path, and the grant type of a /token request. */
  public final List<String> requests = new CopyOnWriteArrayList<>();

  public FakeGoogle() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::metadata);
    server.createContext("/token", this::token);
    server.start();
  }

  private void metadata(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    requests.add(path);
    boolean flavored = "Google".equals(exchange.getRequestHeaders().getFirst("Metadata-Flavor"));
    exchange.getResponseHeaders().add("Metadata-Flavor", "Google");
    if (path.equals("/")) {
      send(exchange, 200, "computeMetadata/\n");
    } else if (path.equals("/computeMetadata/v1/instance/service-accounts/default/token") && flavored) {
      send(exchange, 200, tokenJson(METADATA_TOKEN));
    } else {
      send(exchange, 404, "not here");
    }
  }

  private void token(HttpExchange exchange) throws IOException {
    String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String grant = "";
    for (String pair : form.split("&")) {
      if (pair.startsWith("grant_type=")) {
        grant = URLDecoder.decode(pair.substring("grant_type=".length()), StandardCharsets.UTF_8);
      }
    }
    requests.add("/token " + grant);
    boolean signed = form.contains("assertion=");
    send(exchange, signed ? 200 : 400, signed ? tokenJson(SERVICE_ACCOUNT_TOKEN) : "{\"error\":\"invalid_grant\"}");
  }

  private static String tokenJson(String token) {
    return "{\"access_token\":\"" + token + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}";
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", body.startsWith("{") ? "application/json" : "text/plain");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** As GCE_METADATA_HOST wants it. */
  public String hostAndPort() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  public String tokenUri() {
    return "http://" + hostAndPort() + "/token";
  }

  /** Writes a service account's JSON key into {@code dir}: a fresh RSA key, this server's token endpoint. */
  public Path serviceAccountKey(Path dir) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    String pem = "-----BEGIN PRIVATE KEY-----\\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
            .replace("\n", "\\n")
        + "\\n-----END PRIVATE KEY-----\\n";
    String json = """
        {"type": "service_account", "project_id": "skia-test", "private_key_id": "k1",
         "private_key": "%s",
         "client_email": "edge-agent@skia-test.iam.gserviceaccount.com", "client_id": "1",
         "token_uri": "%s"}
        """.formatted(pem, tokenUri());
    return Files.writeString(dir.resolve("service-account.json"), json);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
