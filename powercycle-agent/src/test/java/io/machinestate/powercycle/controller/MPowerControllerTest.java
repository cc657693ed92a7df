package io.machinestate.powercycle.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.powercycle.config.MPowerConfig;
import io.machinestate.powercycle.config.SshLogin;
import io.machinestate.powercycle.testing.FakeSshDevice;
import io.machinestate.powercycle.testing.FakeSshDevice.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MPowerControllerTest {
  /** The mPower's busybox shell: only relays 1 to 8 exist. */
  private static final Pattern RELAY = Pattern.compile("echo [01] > /proc/power/relay[1-8]");

  @TempDir Path dir;
  private SshKeys keys;
  private FakeSshDevice strip;

  @BeforeEach
  void setUp() throws Exception {
    keys = SshKeys.generate(dir);
    strip = new FakeSshDevice("ubnt", null, keys.publicKey(), line -> RELAY.matcher(line).matches()
        ? new Reply("", 0)
        : line.equals("cat /proc/power/active_pwr1") ? new Reply("12.5\n", 0)
        : new Reply("sh: can't create " + line + ": nonexistent directory\n", 1));
  }

  @AfterEach
  void tearDown() throws IOException {
    strip.close();
  }

  @Test
  void writesTheRelayFileWithThePublicKey() throws Exception {
    MPowerController mpower = controller(Map.of("skia-e-linux-001", 1, "skia-e-linux-002", 8), keys.privateKey());

    mpower.powerOff("skia-e-linux-002");
    mpower.powerOn("skia-e-linux-002");

    assertEquals(List.of("echo 0 > /proc/power/relay8", "echo 1 > /proc/power/relay8"), strip.texts());
    strip.lines().forEach(l -> {
      assertEquals("ubnt", l.user());
      assertEquals("publickey", l.auth());
    });
  }

  @Test
  void probesByReadingOnly() throws Exception {
    assertEquals("mPower shell", controller(Map.of("m", 1), keys.privateKey()).probe());
    assertEquals(List.of("cat /proc/power/active_pwr1"), strip.texts());
  }

  @Test
  void aFailingCommandIsAnError() throws Exception {
    // Only a strip with a different firmware would lack a relay the configuration allows.
    FakeSshDevice broken = new FakeSshDevice("ubnt", null, keys.publicKey(), line -> new Reply("sh: read-only\n", 1));
    try (broken) {
      MPowerController mpower = new MPowerController(new MPowerConfig("rack2",
          new SshLogin("127.0.0.1", broken.port(), "ubnt", null, keys.privateKey(), null),
          Duration.ofMillis(100), Map.of("m", 2)), dir, Duration.ofSeconds(5));

      IOException e = assertThrows(IOException.class, () -> mpower.powerOff("m"));
      assertEquals("mpower \"rack2\": switching relay 2 off failed with exit status 1: sh: read-only", e.getMessage());
    }
  }

  @Test
  void aWrongKeyIsAnError() throws Exception {
    Path otherDir = Files.createDirectory(dir.resolve("other"));
    MPowerController mpower = controller(Map.of("m", 1), SshKeys.generate(otherDir).privateKey());

    IOException e = assertThrows(IOException.class, () -> mpower.powerOn("m"));
    assertTrue(e.getMessage().startsWith("ubnt@127.0.0.1:" + strip.port() + ": cannot log in"), e.getMessage());
    assertEquals(List.of(), strip.texts());
  }

  @Test
  void checksTheHostKeyWhenKnownHostsAreGiven() throws Exception {
    Path known = Files.writeString(dir.resolve("known_hosts"), strip.knownHostsLine() + "\n");
    controllerCheckingHostKeys(known).powerOn("m");
    assertEquals(List.of("echo 1 > /proc/power/relay1"), strip.texts());

    Path wrong = Files.writeString(dir.resolve("wrong_known_hosts"),
        "[127.0.0.1]:" + strip.port() + " " + keys.publicKey() + "\n"); // a key that is not the strip's
    IOException e = assertThrows(IOException.class, () -> controllerCheckingHostKeys(wrong).powerOn("m"));
    assertTrue(e.getMessage().contains("HostKey"), e.getMessage());
    assertEquals(1, strip.texts().size(), "nothing sent to an impostor");
  }

  private MPowerController controllerCheckingHostKeys(Path knownHosts) {
    return new MPowerController(new MPowerConfig("rack2",
        new SshLogin("127.0.0.1", strip.port(), "ubnt", null, keys.privateKey(), knownHosts),
        Duration.ofMillis(100), Map.of("m", 1)), dir, Duration.ofSeconds(5));
  }

  private MPowerController controller(Map<String, Integer> ports, Path identity) {
    return new MPowerController(new MPowerConfig("rack2-mpower1",
        new SshLogin("127.0.0.1", strip.port(), "ubnt", null, identity, null), Duration.ofMillis(100), ports),
        dir, Duration.ofSeconds(5));
  }
}
