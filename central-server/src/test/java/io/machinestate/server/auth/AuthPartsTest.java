package io.machinestate.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class AuthPartsTest {
  @Test
  void cidrBlocks() throws Exception {
    Cidr block = Cidr.parse("10.1.0.0/16");
    assertTrue(block.contains(InetAddress.getByName("10.1.200.3")));
    assertFalse(block.contains(InetAddress.getByName("10.2.0.1")));
    assertFalse(block.contains(InetAddress.getByName("::1")));
    assertTrue(Cidr.parse("127.0.0.1").contains(InetAddress.getByName("127.0.0.1")));
    assertFalse(Cidr.parse("127.0.0.1").contains(InetAddress.getByName("127.0.0.2")));
    assertTrue(Cidr.parse("130.211.0.0/22").contains(InetAddress.getByName("130.211.3.255")));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("proxy.example.com"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
  }

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    Instant now = Instant.parse("2026-11-24T10:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void repeatedFailuresAreSlowedDownThenForgotten() {
    TestClock clock = new TestClock();
    FailureThrottle throttle = new FailureThrottle(clock);
    for (int i = 0; i < 5; i++) {
      assertEquals(Duration.ZERO, throttle.failed("10.0.0.9"));
    }
    assertEquals(Duration.ofMillis(250), throttle.failed("10.0.0.9"));
    assertEquals(Duration.ofMillis(500), throttle.failed("10.0.0.9"));
    for (int i = 0; i < 20; i++) {
      throttle.failed("10.0.0.9");
    }
    assertEquals(Duration.ofSeconds(5), throttle.failed("10.0.0.9"));
    assertEquals(Duration.ZERO, throttle.failed("10.0.0.10"), "other addresses are not held up");
    clock.now = clock.now.plus(Duration.ofMinutes(2));
    assertEquals(Duration.ZERO, throttle.failed("10.0.0.9"));
  }

  @Test
  void tokensAndHashes() {
    String token = Tokens.newToken();
    assertEquals(43, token.length());
    assertTrue(Tokens.sha256Hex(token).matches("[0-9a-f]{64}"));
    assertEquals("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Tokens.sha256Hex("test"));
  }

  @Test
  void yamlMistakesNameTheirPlace() throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    Path file = Path.of("server.yaml");
    var e = assertThrows(IllegalArgumentException.class, () -> AuthYaml.parse(file,
        yaml.readTree("tokens:\n  - {name: a, role: agent, sha256: " + "a".repeat(64) + "}\n"), false));
    assertEquals("server.yaml: auth.tokens[0]: token a: an agent token needs machines (a list of ids or a regex)",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> AuthYaml.parse(file,
        yaml.readTree("tokens:\n  - {name: a, role: admin, sha256: " + "a".repeat(64) + "}\n"), false));
    assertTrue(e.getMessage().startsWith("server.yaml: auth.tokens[0]: unknown role \"admin\""), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> AuthYaml.parse(file,
        yaml.readTree("tokens:\n  - {name: a, role: editor, sha256: secret}\n"), false));
    assertTrue(e.getMessage().contains("sha256 must be 64 hex digits"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> AuthYaml.parse(file,
        yaml.readTree("proxy: {header: X-Email}\n"), false));
    assertTrue(e.getMessage().contains("trusted addresses are required"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> AuthYaml.parse(file,
        yaml.readTree("tokenz: []\n"), false));
    assertEquals("server.yaml: auth: unknown key \"tokenz\"", e.getMessage());
  }

  @Test
  void machinesAsListOrRegex() throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    AuthConfig c = AuthYaml.parse(Path.of("s.yaml"), yaml.readTree("""
        tokens:
          - {name: a, role: agent, machines: [skia-1, "skia.2"], sha256: %s}
          - {name: p, role: powercycle, machines: "skia-rpi-.*", sha256: %s}
        """.formatted("a".repeat(64), "b".repeat(64))), false);
    var agent = c.tokens().get(0).machines();
    assertTrue(agent.matcher("skia-1").matches());
    assertTrue(agent.matcher("skia.2").matches());
    assertFalse(agent.matcher("skia-2").matches(), "ids are literal, not regexes");
    assertFalse(agent.matcher("skia-10").matches());
    assertTrue(c.tokens().get(1).machines().matcher("skia-rpi-007").matches());
  }

  @Test
  void iapKeysAreFoundBesideTheFile() throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    AuthConfig c = AuthYaml.parse(Path.of("/etc/machineserver/server.yaml"), yaml.readTree("""
        proxy:
          header: X-Goog-Authenticated-User-Email
          trusted: [35.191.0.0/16]
          iap: {keys: iap-keys.json, audience: /projects/1/global/backendServices/2}
        """), false);
    assertEquals(new AuthConfig.Iap(Path.of("/etc/machineserver/iap-keys.json"), "/projects/1/global/backendServices/2"),
        c.proxy().iap());
    var e = assertThrows(IllegalArgumentException.class, () -> AuthYaml.parse(Path.of("server.yaml"),
        yaml.readTree("proxy: {header: X-Email, trusted: [10.0.0.0/8], iap: {keys: k.json}}\n"), false));
    assertEquals("server.yaml: auth.proxy: proxy.iap needs keys (a JWK set file) and audience", e.getMessage());
  }
}
