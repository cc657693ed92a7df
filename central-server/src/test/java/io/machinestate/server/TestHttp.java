package io.machinestate.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** An HTTP (or HTTPS) client for tests, on 127.0.0.1. */
public final class TestHttp {
  /** What came back. */
  public record Reply(int status, String body) {}

  private final HttpClient client;
  private final String base;
  private final String[] headers;

  public TestHttp(int port) {
    this("http://127.0.0.1:" + port, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), new String[0]);
  }

  private TestHttp(String base, HttpClient client, String[] headers) {
    this.base = base;
    this.client = client;
    this.headers = headers;
  }

  /** A client of a server that serves HTTPS, trusting what {@code trust} trusts. */
  public static TestHttp tls(int port, SSLContext trust) {
    return new TestHttp("https://127.0.0.1:" + port,
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(trust).build(), new String[0]);
  }

  /** The same client, sending {@code name: value} on every request. */
  public TestHttp withHeader(String name, String value) {
    String[] more = java.util.Arrays.copyOf(headers, headers.length + 2);
    more[headers.length] = name;
    more[headers.length + 1] = value;
    return new TestHttp(base, client, more);
  }

  public TestHttp withToken(String token) {
    return withHeader("Authorization", "Bearer " + token);
  }

  public Reply get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public Reply post(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  public Reply post(String path, String body) {
    return send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /**
   * Sends a large body as curl does, asking first ({@code Expect: 100-continue}), so that a server
   * refusing it by its length answers before the body is sent instead of cutting the upload short.
   */
  public Reply post(String path, byte[] body) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).expectContinue(true)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  private Reply send(HttpRequest.Builder request) {
    if (headers.length > 0) {
      request.headers(headers);
    }
    try {
      HttpResponse<String> r = client.send(request.timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new AssertionError("request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
