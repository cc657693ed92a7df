package io.machinestate.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.machinestate.server.RawHttp;
import io.machinestate.testing.LogRecorder;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy's identity header over real sockets, byte for byte as sent: only its documented form,
 * once, names someone; and with IAP's assertion checked, only a valid one for that same person.
 */
class ProxyIdentityTest {
  static final String HEADER = "X-Goog-Authenticated-User-Email";
  static final String AUDIENCE = "/projects/123/global/backendServices/456";
  static final List<Cidr> LOOPBACK = List.of(Cidr.parse("127.0.0.0/8"));

  @TempDir
  static Path dir;
  static WebServer proxied;
  static WebServer iap;
  static KeyPair iapKey;
  static LogRecorder logs;

  @BeforeAll
  static void start() throws Exception {
    logs = LogRecorder.start();
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(256);
    iapKey = ec.generateKeyPair();
    Path keys = dir.resolve("iap-keys.json");
    Files.writeString(keys, jwkSet("key-1", (ECPublicKey) iapKey.getPublic()));
    proxied = serve(new AuthConfig.Proxy(HEADER, LOOPBACK, List.of("alice@example.com")));
    iap = serve(new AuthConfig.Proxy(HEADER, LOOPBACK, List.of(), new AuthConfig.Iap(keys, AUDIENCE)));
  }

  @AfterAll
  static void stop() {
    proxied.stop();
    iap.stop();
    logs.close();
  }

  /** Answers {@code /who} with the principal's name and role. */
  static WebServer serve(AuthConfig.Proxy proxy) {
    Clock clock = Clock.systemUTC();
    AuthConfig auth = new AuthConfig(List.of(), proxy, false);
    return WebServer.builder().host("127.0.0.1").port(0)
        .routing(HttpRouting.builder()
            .addFilter(new Authenticator(auth, new FailureThrottle(clock), clock))
            .get("/who", (req, res) -> {
              Principal p = Principal.of(req);
              res.send(p.name() + " " + p.role().name().toLowerCase());
            }))
        .build().start();
  }

  /** The status and body of {@code GET /who} with these header lines. */
  static String who(WebServer server, String... headerLines) throws IOException {
    try (RawHttp client = new RawHttp(server.port())) {
      StringBuilder request = new StringBuilder("GET /who HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
      for (String line : headerLines) {
        request.append(line).append("\r\n");
      }
      client.send(request.append("\r\n").toString());
      int status = client.status();
      return status == 200 ? client.read(200, Duration.ofSeconds(5)) : Integer.toString(status);
    }
  }

  @Test
  void theDocumentedFormsNameTheirUser() throws Exception {
    assertEquals("alice@example.com editor", who(proxied, HEADER + ": accounts.google.com:alice@example.com"));
    assertEquals("alice@example.com editor", who(proxied, HEADER + ": alice@example.com"));
    assertEquals("bob@example.com viewer", who(proxied, HEADER + ": accounts.google.com:bob@example.com"));
    assertEquals("bob@example.com viewer", who(proxied, HEADER.toLowerCase() + ": bob@example.com"));
  }

  @Test
  void anythingElseIs401() throws Exception {
    for (List<String> lines : List.<List<String>>of(
        List.of(HEADER + ": bob@example.com, accounts.google.com:alice@example.com"),
        List.of(HEADER + ": bob@example.com", HEADER + ": alice@example.com"),
        List.of(HEADER + ": alice@example.com", HEADER.toLowerCase() + ": alice@example.com"),
        List.of(HEADER + ": evil.example:alice@example.com"),
        List.of(HEADER + ": accounts.google.com:accounts.google.com:alice@example.com"),
        List.of(HEADER + ": alice@example.com bob@example.com"),
        List.of(HEADER + ": alice@example.com;bob@example.com"),
        List.of(HEADER + ": alice"),
        List.of(HEADER + ": accounts.google.com:"),
        List.of(HEADER + ": "),
        List.of())) {
      assertEquals("401", who(proxied, lines.toArray(String[]::new)), lines.toString());
    }
  }

  @Test
  void withIapOnlyAValidAssertionForThatUserCounts() throws Exception {
    Instant now = Instant.now();
    String alice = HEADER + ": accounts.google.com:alice@example.com";
    assertEquals("alice@example.com viewer", who(iap, alice, assertion(iapKey, "key-1", AUDIENCE, "alice@example.com", now)));

    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(256);
    KeyPair stranger = ec.generateKeyPair();
    for (String wrong : List.of(
        assertion(iapKey, "key-1", AUDIENCE, "bob@example.com", now),                        // another person
        assertion(iapKey, "key-1", "/projects/999/global/backendServices/1", "alice@example.com", now),
        assertion(iapKey, "key-1", AUDIENCE, "alice@example.com", now.minus(Duration.ofHours(1))), // expired
        assertion(stranger, "key-1", AUDIENCE, "alice@example.com", now),                     // not IAP's key
        assertion(iapKey, "key-2", AUDIENCE, "alice@example.com", now),                       // unknown key
        IapAssertion.HEADER + ": not.a.jwt",
        IapAssertion.HEADER + ": ")) {
      assertEquals("401", who(iap, alice, wrong), wrong);
    }
    String valid = assertion(iapKey, "key-1", AUDIENCE, "alice@example.com", now);
    assertEquals("401", who(iap, alice), "no assertion");
    assertEquals("401", who(iap, alice, valid, valid), "the assertion twice");
    assertTrue(logs.logged("refused " + HEADER + " alice@example.com: the IAP assertion names bob@example.com"),
        String.join("", logs.lines()));
    assertTrue(logs.logged("IAP assertion: bad signature"), String.join("", logs.lines()));
  }

  /** The header line IAP would add: an ES256 JWT issued at {@code issued}, valid ten minutes. */
  static String assertion(KeyPair key, String kid, String audience, String email, Instant issued) throws Exception {
    String header = "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}";
    String claims = "{\"iss\":\"https://cloud.google.com/iap\",\"aud\":\"" + audience + "\",\"email\":\"" + email
        + "\",\"sub\":\"accounts.google.com:1\",\"iat\":" + issued.getEpochSecond() + ",\"exp\":"
        + issued.plus(Duration.ofMinutes(10)).getEpochSecond() + "}";
    String signed = b64(header.getBytes(StandardCharsets.UTF_8)) + "." + b64(claims.getBytes(StandardCharsets.UTF_8));
    Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
    ecdsa.initSign(key.getPrivate());
    ecdsa.update(signed.getBytes(StandardCharsets.US_ASCII));
    return IapAssertion.HEADER + ": " + signed + "." + b64(ecdsa.sign());
  }

  static String jwkSet(String kid, ECPublicKey key) {
    return "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"alg\":\"ES256\",\"use\":\"sig\",\"kid\":\"" + kid
        + "\",\"x\":\"" + b64(coordinate(key.getW().getAffineX())) + "\",\"y\":\""
        + b64(coordinate(key.getW().getAffineY())) + "\"}]}";
  }

  /** A coordinate as JWK writes it: exactly 32 bytes, big-endian. */
  static byte[] coordinate(BigInteger value) {
    byte[] bytes = value.toByteArray();
    byte[] fixed = new byte[32];
    int n = Math.min(bytes.length, 32);
    System.arraycopy(bytes, bytes.length - n, fixed, 32 - n, n);
    return fixed;
  }

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
