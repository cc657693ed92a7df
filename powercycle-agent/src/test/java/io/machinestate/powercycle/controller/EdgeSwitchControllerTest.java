package io.machinestate.powercycle.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.powercycle.config.EdgeSwitchConfig;
import io.machinestate.powercycle.config.SshLogin;
import io.machinestate.powercycle.testing.FakeSshDevice;
import io.machinestate.powercycle.testing.FakeSshDevice.Reply;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgeSwitchControllerTest {
  @TempDir Path dir;
  private SshKeys keys;
  private FakeSshDevice poeSwitch;

  @BeforeEach
  void setUp() throws Exception {
    keys = SshKeys.generate(dir);
    // The switch's CLI echoes each command after its prompt.
    poeSwitch = new FakeSshDevice("power", "s3cret", null, line -> new Reply("(EdgeSwitch) #" + line + "\n", 255));
  }

  @AfterEach
  void tearDown() throws IOException {
    poeSwitch.close();
  }

  @Test
  void setsThePoeModeOfThePortWithThePassword() throws Exception {
    EdgeSwitchController edge = controller("s3cret", null);

    edge.powerOff("skia-i-rpi-096");
    edge.powerOn("skia-i-rpi-096");

    assertEquals(List.of(
        "enable", "configure", "interface 0/2", "poe opmode shutdown",
        "enable", "configure", "interface 0/2", "poe opmode auto"), poeSwitch.texts());
    poeSwitch.lines().forEach(l -> assertEquals("password", l.auth()));
  }

  @Test
  void anAnswerWithoutTheModeIsAnError() throws Exception {
    try (FakeSshDevice silent = new FakeSshDevice("power", "s3cret", null, line -> new Reply("", 0))) {
      EdgeSwitchController edge = new EdgeSwitchController(new EdgeSwitchConfig("rack1-poe",
          new SshLogin("127.0.0.1", silent.port(), "power", "s3cret", null, null),
          Duration.ofMillis(100), Map.of("m", 7), null), Duration.ofSeconds(5));

      IOException e = assertThrows(IOException.class, () -> edge.powerOff("m"));
      assertEquals("edgeswitch \"rack1-poe\": setting port 7 to \"shutdown\" failed: ", e.getMessage());
    }
  }

  @Test
  void aWrongPasswordIsAnError() {
    EdgeSwitchController edge = controller("wrong", null);

    IOException e = assertThrows(IOException.class, () -> edge.powerOn("skia-i-rpi-096"));
    assertTrue(e.getMessage().contains("cannot log in"), e.getMessage());
  }

  @Test
  void rebootsTheMachineOverSshFirst() throws Exception {
    // "localhost" is the machine id, so the fake machine is reached by its id as in the lab.
    try (FakeSshDevice machine = new FakeSshDevice("chrome-bot", null, keys.publicKey(), line -> new Reply("", 0))) {
      EdgeSwitchController edge = new EdgeSwitchController(new EdgeSwitchConfig("rack1-poe",
          new SshLogin("127.0.0.1", poeSwitch.port(), "power", "s3cret", keys.privateKey(), null),
          Duration.ofMillis(100), Map.of("localhost", 3),
          new EdgeSwitchConfig.SoftReboot("chrome-bot", machine.port())), Duration.ofSeconds(5));

      assertTrue(edge.softReboot("localhost"));

      assertEquals(List.of("time", "sudo /sbin/reboot -f"), machine.texts());
      assertEquals(List.of(), poeSwitch.texts(), "the PoE port was not touched");
    }
  }

  @Test
  void fallsBackToThePoePortWhenTheMachineDoesNotAnswer() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    EdgeSwitchController edge = new EdgeSwitchController(new EdgeSwitchConfig("rack1-poe",
        new SshLogin("127.0.0.1", poeSwitch.port(), "power", "s3cret", keys.privateKey(), null),
        Duration.ofMillis(100), Map.of("localhost", 3),
        new EdgeSwitchConfig.SoftReboot("chrome-bot", closedPort)), Duration.ofSeconds(5));

    assertFalse(edge.softReboot("localhost"));
  }

  @Test
  void noSoftRebootWhenSwitchedOff() {
    assertFalse(controller("s3cret", null).softReboot("skia-i-rpi-096"));
  }

  private EdgeSwitchController controller(String password, EdgeSwitchConfig.SoftReboot softReboot) {
    return new EdgeSwitchController(new EdgeSwitchConfig("rack1-poe",
        new SshLogin("127.0.0.1", poeSwitch.port(), "power", password, null, null),
        Duration.ofMillis(100), Map.of("skia-i-rpi-096", 2), softReboot), Duration.ofSeconds(5));
  }
}
