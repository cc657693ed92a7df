package io.machinestate.powercycle.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final Path HOME = Path.of("/home/chrome-bot");
  private static final Path KNOWN_HOSTS = HOME.resolve(".ssh/known_hosts");
  private final ConfigLoader loader = new ConfigLoader(Map.of(), HOME);

  /** The example of SPEC §6. */
  private static final String SPEC_EXAMPLE = """
      { gpio:       { "rack1-relays": { chip: "gpiochip0", active_low: true, off_seconds: 10,
                                        ports: { "skia-rpi-001": 17, "skia-rpi-002": 27 } } },
        mpower:     { "rack2-mpower1": { address: "192.168.2.212", user: "ubnt", ports: { "skia-e-linux-001": 1 } } },
        edgeswitch: { "rack1-poe":     { address: "192.168.1.41", user: "power", password: "...", ports: { "skia-i-rpi-096": 2 } } },
        synaccess:  { "rack3-pdu":     { address: "http://192.168.1.10", ports: { "skia-e-win-001": 1 } } } }
      """;

  @Test
  void readsTheSpecExample() throws Exception {
    PowerCycleConfig config = loader.parse(SPEC_EXAMPLE, "spec.json5");

    assertEquals(4, config.controllers().size());
    GpioConfig gpio = (GpioConfig) config.controllers().get(0);
    assertEquals(new GpioConfig("rack1-relays", "gpiochip0", true, Duration.ofSeconds(10),
        Map.of("skia-rpi-001", 17, "skia-rpi-002", 27)), gpio);
    assertEquals(List.of("skia-rpi-001", "skia-rpi-002"), List.copyOf(gpio.ports().keySet()), "file order kept");

    MPowerConfig mpower = (MPowerConfig) config.controllers().get(1);
    assertEquals(new SshLogin("192.168.2.212", 22, "ubnt", null, null, KNOWN_HOSTS), mpower.login(),
        "host keys checked against the user's known_hosts by default");
    assertEquals(Duration.ofSeconds(10), mpower.offTime());

    EdgeSwitchConfig edge = (EdgeSwitchConfig) config.controllers().get(2);
    assertEquals(new SshLogin("192.168.1.41", 22, "power", "...", null, KNOWN_HOSTS), edge.login());
    assertEquals(Duration.ofSeconds(5), edge.offTime());
    assertEquals(new EdgeSwitchConfig.SoftReboot(null, 22), edge.softReboot(), "user from ~/.ssh/config, else the local one");
    assertEquals(Map.of("skia-i-rpi-096", 2), edge.ports());

    SynaccessConfig synaccess = (SynaccessConfig) config.controllers().get(3);
    assertEquals(new SynaccessConfig("rack3-pdu", "http://192.168.1.10", "admin", "admin", Duration.ofSeconds(10),
        Map.of("skia-e-win-001", 1)), synaccess);
  }

  /** As the Go implementation's files look: comments, trailing commas, no gpio, password from the environment. */
  @Test
  void readsAGoConfigurationFileUnchanged() throws Exception {
    String goFile = """
        // Power strips in rack 4.
        {
          "mpower": {
            "rack4-shelf1": {
              "address": "192.168.1.117",
              "user": "ubnt",
              "ports": {
                "skia-e-linux-101": 1,
                "skia-e-linux-102": 2, // the flaky one
              },
            },
          },
          'edgeswitch': {
            'rack4-poe': {
              address: '192.168.1.43',
              user: 'power',
              ports: { 'skia-rpi2-rack4-shelf1-001': 1, },
            },
          },
          /* no synaccess in this rack */
        }
        """;
    PowerCycleConfig config = new ConfigLoader(Map.of(ConfigLoader.PASSWORD_ENV, " secret\n"), HOME).parse(goFile, "rack4.json5");

    assertEquals(2, config.controllers().size());
    assertEquals(Map.of("skia-e-linux-101", 1, "skia-e-linux-102", 2), config.controllers().get(0).ports());
    EdgeSwitchConfig edge = (EdgeSwitchConfig) config.controllers().get(1);
    assertEquals("secret", edge.login().password());
  }

  @Test
  void takesTestSettings(@TempDir Path dir) throws Exception {
    Path key = Files.writeString(dir.resolve("id"), "key");
    Path knownHosts = Files.writeString(dir.resolve("known_hosts"), "");
    PowerCycleConfig config = loader.parse("""
        { edgeswitch: { sw: { address: "127.0.0.1", port: 2222, user: "u", password: "p", off_seconds: 0.25,
                              identity: "%s", known_hosts: "%s", soft_reboot: false, ports: { m: 48 } } },
          synaccess: { pdu: { address: "127.0.0.1:8080/", user: "root", password: "pw", off_seconds: 0.1, ports: { n: 16 } } } }
        """.formatted(key, knownHosts), "test.json5");

    EdgeSwitchConfig edge = (EdgeSwitchConfig) config.controllers().get(0);
    assertEquals(new SshLogin("127.0.0.1", 2222, "u", "p", key, knownHosts), edge.login());
    assertEquals(Duration.ofMillis(250), edge.offTime());
    assertNull(edge.softReboot());
    SynaccessConfig pdu = (SynaccessConfig) config.controllers().get(1);
    assertEquals("http://127.0.0.1:8080", pdu.address());
    assertEquals(Duration.ofMillis(100), pdu.offTime());
  }

  /** Go's rack files said password: "" and meant the environment's. */
  @Test
  void anEmptyPasswordMeansTheEnvironments() throws Exception {
    String rack = "{ edgeswitch: { poe: { address: \"poe\", user: \"ubnt\", password: \"\", ports: { m: 1 } } } }";

    EdgeSwitchConfig edge = (EdgeSwitchConfig) new ConfigLoader(Map.of(ConfigLoader.PASSWORD_ENV, "from-env"), HOME)
        .parse(rack, "rack1.json5").controllers().get(0);

    assertEquals("from-env", edge.login().password());
    assertEquals("rack1.json5: edgeswitch.poe: no password: set \"password\" here or the environment variable "
        + "POWERCYCLE_PASSWORD", assertThrows(ConfigException.class, () -> loader.parse(rack, "rack1.json5")).getMessage());
  }

  @Test
  void anEmptyConfigurationIsValid() throws Exception {
    assertEquals(List.of(), loader.parse("{}", "rack5.json5").controllers());
    assertEquals(List.of(), loader.parse("{ gpio: {} }", "lab.json5").controllers());
  }

  @Test
  void hostKeysGoUncheckedOnlyOnRequest(@TempDir Path dir) throws Exception {
    Path named = Files.writeString(dir.resolve("lab_known_hosts"), "");
    MPowerConfig own = (MPowerConfig) loader.parse("{ mpower: { m: { address: \"a\", user: \"u\", known_hosts: \"%s\", ports: { a: 1 } } } }"
        .formatted(named), "lab.json5").controllers().get(0);
    MPowerConfig unchecked = (MPowerConfig) loader.parse(
        "{ mpower: { m: { address: \"a\", user: \"u\", accept_any_host_key: true, ports: { a: 1 } } } }", "lab.json5")
        .controllers().get(0);

    assertEquals(named, own.login().knownHosts());
    assertNull(unchecked.login().knownHosts());
    assertEquals("lab.json5: mpower.m.accept_any_host_key: contradicts known_hosts; keep one of them", refused(
        "{ mpower: { m: { address: \"a\", user: \"u\", known_hosts: \"%s\", accept_any_host_key: true, ports: { a: 1 } } } }"
            .formatted(named)));
  }

  @Test
  void refusesAMachineUnderTwoControllers() {
    String message = refused("""
        { gpio: { relays: { ports: { "skia-rpi-001": 17 } } },
          synaccess: { pdu: { address: "http://10.0.0.1", ports: { "skia-rpi-001": 3 } } } }
        """);
    assertEquals("lab.json5: synaccess.pdu.ports.\"skia-rpi-001\": machine \"skia-rpi-001\" is already configured at "
        + "gpio.relays.ports.\"skia-rpi-001\"; a machine may be under one controller only", message);
  }

  @Test
  void refusesAPortUsedTwice() {
    String message = refused("{ mpower: { \"rack2-mpower1\": { address: \"a\", user: \"u\", ports: { a: 3, b: 3 } } } }");
    assertEquals("lab.json5: mpower.\"rack2-mpower1\".ports.b: port 3 is already used by \"a\"", message);
  }

  @Test
  void refusesTheSameMachineTwiceUnderOneController() {
    String message = refused("{ mpower: { m: { address: \"a\", user: \"u\", ports: { a: 3, a: 4 } } } }");
    assertTrue(message.startsWith("lab.json5: not valid JSON5 (line 1, column "), message);
    assertTrue(message.contains("Duplicate field 'a'"), message);
  }

  @Test
  void refusesUnknownKeysNamingThePlace() {
    assertEquals("lab.json5: mpower.m.passwd: unknown key; allowed here: address, user, port, identity, known_hosts, "
            + "accept_any_host_key, off_seconds, ports",
        refused("{ mpower: { m: { address: \"a\", user: \"u\", passwd: \"x\", ports: { a: 3 } } } }"));
    assertEquals("lab.json5: seeeduino: unknown key; allowed here: gpio, mpower, edgeswitch, synaccess",
        refused("{ seeeduino: {} }"));
  }

  @Test
  void refusesPortsOutOfRange() {
    assertEquals("lab.json5: mpower.m.ports.a: 9 is out of range 1–8",
        refused("{ mpower: { m: { address: \"a\", user: \"u\", ports: { a: 9 } } } }"));
    assertEquals("lab.json5: gpio.r.ports.a: 54 is out of range 0–53", refused("{ gpio: { r: { ports: { a: 54 } } } }"));
    assertEquals("lab.json5: edgeswitch.e.ports.a: 0 is out of range 1–48",
        refused("{ edgeswitch: { e: { address: \"a\", user: \"u\", password: \"p\", ports: { a: 0 } } } }"));
    assertEquals("lab.json5: synaccess.s.ports.a: 17 is out of range 1–16",
        refused("{ synaccess: { s: { address: \"a\", ports: { a: 17 } } } }"));
    assertEquals("lab.json5: gpio.r.ports.a: want a whole number, got \"17\"", refused("{ gpio: { r: { ports: { a: \"17\" } } } }"));
  }

  @Test
  void refusesOtherMistakes() {
    assertEquals("lab.json5: edgeswitch.e: no password: set \"password\" here or the environment variable POWERCYCLE_PASSWORD",
        refused("{ edgeswitch: { e: { address: \"a\", user: \"u\", ports: { a: 1 } } } }"));
    assertEquals("lab.json5: mpower.m.user: missing", refused("{ mpower: { m: { address: \"a\", ports: { a: 1 } } } }"));
    assertEquals("lab.json5: gpio.r.ports: missing", refused("{ gpio: { r: { } } }"));
    assertEquals("lab.json5: gpio.r.ports: no machine listed", refused("{ gpio: { r: { ports: { } } } }"));
    assertEquals("lab.json5: gpio.r.off_seconds: want a number of seconds above 0 and at most 3600, got 0",
        refused("{ gpio: { r: { off_seconds: 0, ports: { a: 1 } } } }"));
    assertEquals("lab.json5: gpio.r.active_low: want true or false, got \"yes\"",
        refused("{ gpio: { r: { active_low: \"yes\", ports: { a: 1 } } } }"));
    assertEquals("lab.json5: the file is empty", refused(""));
    assertEquals("lab.json5: the top level: want an object, got array", refused("[]"));
    assertEquals("lab.json5: mpower.m.identity: no such file /nonexistent/id",
        refused("{ mpower: { m: { address: \"a\", user: \"u\", identity: \"/nonexistent/id\", ports: { a: 1 } } } }"));
    assertTrue(refused("{ synaccess: { s: { address: \"ftp://x\", ports: { a: 1 } } } }")
        .startsWith("lab.json5: synaccess.s.address: \"ftp://x\" is not an HTTP address"));
    String syntax = refused("{ gpio: { r: { ports: { a: 1 } } }\n  oops }");
    assertTrue(syntax.startsWith("lab.json5: not valid JSON5 (line 2, column "), syntax);
  }

  @Test
  void loadsAFileAndNamesAMissingOne(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("lab.json5"), "{ gpio: { r: { ports: { a: 1 } } } }");
    assertFalse(new ConfigLoader(Map.of(), HOME).load(file).controllers().isEmpty());

    ConfigException e = assertThrows(ConfigException.class, () -> loader.load(dir.resolve("missing.json5")));
    assertTrue(e.getMessage().startsWith(dir.resolve("missing.json5") + ": cannot read the configuration"), e.getMessage());
  }

  private String refused(String text) {
    return assertThrows(ConfigException.class, () -> loader.parse(text, "lab.json5")).getMessage();
  }
}
