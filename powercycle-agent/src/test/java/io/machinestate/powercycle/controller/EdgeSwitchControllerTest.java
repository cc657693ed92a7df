package io.machinestate.powercycle.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.powercycle.config.EdgeSwitchConfig;
import io.machinestate.powercycle.config.SshLogin;
import io.machinestate.powercycle.cycle.PowerCycler;
import io.machinestate.powercycle.cycle.PoweredOffJournal;
import io.machinestate.powercycle.metrics.AgentMetrics;
import io.machinestate.protocol.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.machinestate.powercycle.testing.FakeSshDevice;
import io.machinestate.powercycle.testing.FakeSshDevice.Reply;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
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
    poeSwitch = new FakeSshDevice("power", "s3cret", null, EdgeSwitchControllerTest::cli);
  }

  /** The switch's CLI echoes each command after its prompt; "help" lists the commands. */
  private static Reply cli(String line) {
    return new Reply("(EdgeSwitch) #" + line + "\n" + (line.equals("help") ? "HELP: enable, configure, ...\n" : ""), 255);
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

    assertEquals(List.of("help",
        "enable", "configure", "interface 0/2", "poe opmode shutdown",
        "enable", "configure", "interface 0/2", "poe opmode auto"), poeSwitch.texts(), "asks for help once, first");
    poeSwitch.lines().forEach(l -> assertEquals("password", l.auth()));
  }

  /** A UniFi switch's login shell is not the switch's CLI; telnet to itself reaches it, as Go did. */
  @Test
  void reachesTheCliOfAUnifiSwitchThroughTelnet() throws Exception {
    try (FakeSshDevice unifi = new FakeSshDevice("power", "s3cret", null, line -> new Reply("-sh: " + line + ": not found\n", 127))
        .onCommand("telnet 127.0.0.1", EdgeSwitchControllerTest::cli)) {
      EdgeSwitchController edge = new EdgeSwitchController(new EdgeSwitchConfig("rack1-poe",
          new SshLogin("127.0.0.1", unifi.port(), "power", "s3cret", null, null),
          Duration.ofMillis(100), Map.of("m", 7), null), dir, Duration.ofSeconds(5));

      assertEquals("UniFi, CLI through telnet 127.0.0.1", edge.probe());
      edge.powerOff("m");

      assertEquals(List.of("help", "help", "enable", "configure", "interface 0/7", "poe opmode shutdown"), unifi.texts());
      assertEquals(java.util.Arrays.asList(null, "telnet 127.0.0.1", "telnet 127.0.0.1", "telnet 127.0.0.1",
          "telnet 127.0.0.1", "telnet 127.0.0.1"), unifi.lines().stream().map(FakeSshDevice.Line::command).toList());
    }
  }

  @Test
  void anUnknownHostKeyIsRefusedBeforeThePasswordIsSent() throws Exception {
    Path knownHosts = Files.writeString(dir.resolve("known_hosts"), "");
    EdgeSwitchController edge = controllerCheckingHostKeys(knownHosts);

    IOException e = assertThrows(IOException.class, () -> edge.powerOff("skia-i-rpi-096"));
    assertTrue(e.getMessage().contains("host key not accepted, nothing sent"), e.getMessage());
    assertTrue(e.getMessage().contains("ssh-keyscan -p " + poeSwitch.port() + " 127.0.0.1 >> " + knownHosts), e.getMessage());
    assertEquals(List.of(), poeSwitch.passwordsTried(), "no password for an unknown key");
    assertEquals(List.of(), poeSwitch.texts());

    Files.writeString(knownHosts, poeSwitch.knownHostsLine() + "\n");
    PowerCycler cycler = new PowerCycler(new PoweredOffJournal(dir.resolve("state"), Json.newMapper()),
        new AgentMetrics(new SimpleMeterRegistry()), Duration.ofMillis(10));
    assertTrue(cycler.cycle(controllerCheckingHostKeys(knownHosts), "skia-i-rpi-096"));
    assertEquals(List.of("help", "enable", "configure", "interface 0/2", "poe opmode shutdown",
        "enable", "configure", "interface 0/2", "poe opmode auto"), poeSwitch.texts());
    assertEquals(List.of(), List.copyOf(cycler.leftOff()));
  }

  /** Go reached the machines with plain ssh, so ~/.ssh/config's Host entries applied. */
  @Test
  void theSoftRebootFollowsTheSshConfig() throws Exception {
    try (FakeSshDevice machine = new FakeSshDevice("bot", null, keys.publicKey(), line -> new Reply("", 0))) {
      Path home = Files.createDirectories(dir.resolve("home"));
      Files.createDirectories(home.resolve(".ssh"));
      Files.writeString(home.resolve(".ssh/config"), """
          Host skia-rpi-042
            HostName 127.0.0.1
            Port %d
            User bot
          """.formatted(machine.port()));
      EdgeSwitchController edge = new EdgeSwitchController(new EdgeSwitchConfig("rack1-poe",
          new SshLogin("127.0.0.1", poeSwitch.port(), "power", "s3cret", keys.privateKey(), null),
          Duration.ofMillis(100), Map.of("skia-rpi-042", 3), new EdgeSwitchConfig.SoftReboot(null, 22)),
          home, Duration.ofSeconds(5));

      assertTrue(edge.softReboot("skia-rpi-042"));

      assertEquals(List.of("time", "sudo /sbin/reboot -f"), machine.texts());
      machine.lines().forEach(l -> assertEquals("bot", l.user()));
    }
  }

  @Test
  void anAnswerWithoutTheModeIsAnError() throws Exception {
    try (FakeSshDevice silent = new FakeSshDevice("power", "s3cret", null, line -> new Reply("", 0))) {
      EdgeSwitchController edge = new EdgeSwitchController(new EdgeSwitchConfig("rack1-poe",
          new SshLogin("127.0.0.1", silent.port(), "power", "s3cret", null, null),
          Duration.ofMillis(100), Map.of("m", 7), null), dir, Duration.ofSeconds(5));

      IOException e = assertThrows(IOException.class, () -> edge.powerOff("m"));
      assertTrue(e.getMessage().startsWith("edgeswitch \"rack1-poe\": no switch CLI answered \"help\""), e.getMessage());
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
          new EdgeSwitchConfig.SoftReboot("chrome-bot", machine.port())), dir, Duration.ofSeconds(5));

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
        new EdgeSwitchConfig.SoftReboot("chrome-bot", closedPort)), dir, Duration.ofSeconds(5));

    assertFalse(edge.softReboot("localhost"));
  }

  @Test
  void noSoftRebootWhenSwitchedOff() {
    assertFalse(controller("s3cret", null).softReboot("skia-i-rpi-096"));
  }

  private EdgeSwitchController controller(String password, EdgeSwitchConfig.SoftReboot softReboot) {
    return new EdgeSwitchController(new EdgeSwitchConfig("rack1-poe",
        new SshLogin("127.0.0.1", poeSwitch.port(), "power", password, null, null),
        Duration.ofMillis(100), Map.of("skia-i-rpi-096", 2), softReboot), dir, Duration.ofSeconds(5));
  }

  private EdgeSwitchController controllerCheckingHostKeys(Path knownHosts) {
    return new EdgeSwitchController(new EdgeSwitchConfig("rack1-poe",
        new SshLogin("127.0.0.1", poeSwitch.port(), "power", "s3cret", null, knownHosts),
        Duration.ofMillis(100), Map.of("skia-i-rpi-096", 2), null), dir, Duration.ofSeconds(5));
  }
}
