package io.machinestate.protocol;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsServer;
import io.machinestate.testing.TestCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerTlsTest {
  @TempDir
  static Path dir;
  static TestCa ca;
  static Path otherCa;
  static HttpsServer server;
  static HttpUrl url;

  @BeforeAll
  static void startServer() throws Exception {
    ca = TestCa.create(dir);
    otherCa = ca.otherPem();
    server = ca.httpsServer("/", exchange -> {
      byte[] body = "hello over TLS".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    url = HttpUrl.get("https://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  @AfterAll
  static void stopServer() {
    server.stop(0);
  }

  @Test
  void aPrivateCaIsTrustedForTheServerItSigned() throws Exception {
    assertEquals("hello over TLS", get(ServerTls.load(ca.caPem(), url).orElseThrow()));
    Path bundle = dir.resolve("bundle.pem");
    Files.writeString(bundle, Files.readString(otherCa) + "\n" + Files.readString(ca.caPem()));
    ServerTls two = ServerTls.load(bundle, url).orElseThrow();
    assertEquals("hello over TLS", get(two));
    assertEquals("2 certificates of " + bundle, two.toString());
  }

  @Test
  void aServerSignedByAnotherCaIsRefused() throws Exception {
    assertThrows(SSLHandshakeException.class, () -> get(ServerTls.load(otherCa, url).orElseThrow()));
    // Without --ca-cert, the JVM's trust store decides: it does not know the test CA.
    try (Response r = new OkHttpClient().newCall(new Request.Builder().url(url).build()).execute()) {
      throw new AssertionError("trusted without the CA: " + r);
    } catch (SSLHandshakeException expected) {
      // as it should be
    }
  }

  @Test
  void aCaFileThatCannotBeUsedIsRefusedWithItsName() throws Exception {
    assertEquals(java.util.Optional.empty(), ServerTls.load(null, url));
    Path missing = dir.resolve("missing.pem");
    assertEquals("--ca-cert " + missing + " does not exist", refused(missing, url));
    Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nMIGHAgEA\n-----END PRIVATE KEY-----\n");
    assertTrue(refused(key, url).startsWith("--ca-cert " + key + ": cannot read PEM certificates"), refused(key, url));
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");
    assertEquals("--ca-cert " + empty + " holds no certificate (want PEM: -----BEGIN CERTIFICATE-----)", refused(empty, url));
    HttpUrl plain = HttpUrl.get("http://machines.lab:8000");
    assertEquals("--ca-cert is for an https:// server, not http://machines.lab:8000/", refused(ca.caPem(), plain));
  }

  @Test
  void aTokenGoesInClearTextOnlyToThisMachineOrWhenAllowed() {
    HttpUrl lab = HttpUrl.get("http://machines.lab:8000");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ServerTls.checkTokenTransport(lab, true, false));
    assertEquals("refusing to send the bearer token in clear text to http://machines.lab:8000/: use an https:// "
        + "server URL, or give --allow-insecure-http (MACHINESERVER_ALLOW_INSECURE_HTTP=true) if the network to the "
        + "server is trusted", e.getMessage());
    assertDoesNotThrow(() -> ServerTls.checkTokenTransport(lab, true, true));
    assertDoesNotThrow(() -> ServerTls.checkTokenTransport(lab, false, false));
    assertDoesNotThrow(() -> ServerTls.checkTokenTransport(HttpUrl.get("https://machines.lab"), true, false));
    for (String local : List.of("http://127.0.0.1:8000", "http://127.8.9.1", "http://localhost:8000", "http://[::1]:8000")) {
      assertDoesNotThrow(() -> ServerTls.checkTokenTransport(HttpUrl.get(local), true, false), local);
    }
    // A name is not loopback whatever it resolves to today, nor is the wildcard or a LAN address.
    for (String remote : List.of("http://localhost.evil.example", "http://0.0.0.0", "http://10.0.0.1", "http://[::2]")) {
      assertThrows(IllegalArgumentException.class, () -> ServerTls.checkTokenTransport(HttpUrl.get(remote), true, false), remote);
    }
  }

  @Test
  void loopbackIsDecidedWithoutDns() {
    for (String host : List.of("localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "0:0:0:0:0:0:0:1")) {
      assertTrue(Loopback.isLoopback(host), host);
    }
    for (String host : List.of("", "0.0.0.0", "::", "192.168.1.2", "example.com", "localhost.", "127.0.0.1.nip.io", "[::1")) {
      assertFalse(Loopback.isLoopback(host), host);
    }
  }

  private static String refused(Path caCert, HttpUrl server) {
    return assertThrows(IllegalArgumentException.class, () -> ServerTls.load(caCert, server)).getMessage();
  }

  private static String get(ServerTls tls) throws Exception {
    OkHttpClient client = tls.applyTo(new OkHttpClient.Builder()).build();
    try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
      return r.body().string();
    }
  }
}
