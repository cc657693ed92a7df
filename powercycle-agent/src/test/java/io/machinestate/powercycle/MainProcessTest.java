package io.machinestate.powercycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.powercycle.testing.Eventually;
import io.machinestate.powercycle.testing.FakeCentralServer;
import io.machinestate.powercycle.testing.FakeSynaccess;
import io.machinestate.powercycle.testing.Ports;
import io.machinestate.testing.TokenFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent as a real child process. */
class MainProcessTest {
  @TempDir Path dir;

  @Test
  void sigtermDuringACyclePowersTheMachineBackOnBeforeExiting() throws Exception {
    try (FakeSynaccess strip = new FakeSynaccess(0); FakeCentralServer server = new FakeCentralServer(true)) {
      Path config = Files.writeString(dir.resolve("lab.json5"), """
          { synaccess: { "rack3-pdu": { address: "%s", off_seconds: 600, ports: { "skia-e-win-001": 5 } } } }
          """.formatted(strip.address()));
      Path log = dir.resolve("agent.log");
      Process agent = start(log, "--server", server.url().toString(), "--config", config.toString(),
          "--state-dir", dir.resolve("state").toString(), "--metrics-port", "0");
      try {
        server.request("skia-e-win-001");
        Eventually.await("power off", () -> strip.queries().contains("$A3 5 0"));

        agent.destroy(); // SIGTERM
        assertTrue(agent.waitFor(20, TimeUnit.SECONDS), "the agent exits");

        assertEquals(List.of("$A3 5 0", "$A3 5 1"), strip.queries(), "nothing switched at start, off, on at SIGTERM");
        assertEquals(List.of(), server.completions());
        String logged = Files.readString(log);
        assertTrue(logged.contains("skia-e-win-001: power cycle cut short by shutdown; power is back on"), logged);
      } finally {
        agent.destroyForcibly();
      }
    }
  }

  @Test
  void refusesABadConfigurationNamingThePlace() throws Exception {
    Path config = Files.writeString(dir.resolve("lab.json5"), "{ mpower: { m: { address: \"a\", user: \"u\", ports: { x: 9 } } } }");
    Process agent = start("--server", "http://127.0.0.1:1", "--config", config.toString(), "--state-dir", dir.toString());

    assertTrue(agent.waitFor(20, TimeUnit.SECONDS));
    assertEquals(2, agent.exitValue());
    String stderr = new String(agent.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(stderr.contains(config + ": mpower.m.ports.x: 9 is out of range 1–8"), stderr);
  }

  @Test
  void refusesAnEmptyTokenFileAtStart() throws Exception {
    Path config = Files.writeString(dir.resolve("lab.json5"), "{ synaccess: { pdu: { address: \"127.0.0.1:1\", ports: { m: 1 } } } }");
    Path token = TokenFiles.write(dir.resolve("token"), "\n");
    Process agent = start("--server", "http://127.0.0.1:1", "--config", config.toString(), "--state-dir", dir.toString(),
        "--token-file", token.toString());

    assertTrue(agent.waitFor(20, TimeUnit.SECONDS));
    assertEquals(2, agent.exitValue());
    String stderr = new String(agent.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(stderr.contains("powercycle-agent: token file " + token + " is empty"), stderr);
  }

  @Test
  void refusesAtStartToSendTheTokenOverPlainHttpToAnotherHost() throws Exception {
    Path config = Files.writeString(dir.resolve("lab.json5"), "{ synaccess: { pdu: { address: \"127.0.0.1:1\", ports: { m: 1 } } } }");
    Process agent = start("--server", "http://192.0.2.1:8000", "--config", config.toString(), "--state-dir", dir.toString(),
        "--token", "t");

    assertTrue(agent.waitFor(20, TimeUnit.SECONDS));
    assertEquals(2, agent.exitValue());
    String stderr = new String(agent.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(stderr.startsWith("powercycle-agent: refusing to send the bearer token in clear text to http://192.0.2.1:8000/"
        + ": use an https:// server URL, or give --allow-insecure-http"), stderr);
  }

  @Test
  void aCrashMidCycleIsRepairedAtTheNextStartByThatOutletAlone() throws Exception {
    try (FakeSynaccess strip = new FakeSynaccess(0); FakeCentralServer server = new FakeCentralServer(true)) {
      Path config = Files.writeString(dir.resolve("lab.json5"), """
          { synaccess: { PDU7: { address: "%s", off_seconds: 600,
                                 ports: { router: 1, jumphost: 4, "skia-e-win-701": 6 } } } }
          """.formatted(strip.address()));
      String[] args = {"--server", server.url().toString(), "--config", config.toString(),
          "--state-dir", dir.resolve("state").toString(), "--metrics-port", "0"};
      Process first = start(dir.resolve("first.log"), args);
      Process second = null;
      try {
        server.request("skia-e-win-701");
        Eventually.await("power off", () -> strip.queries().contains("$A3 6 0"));
        first.destroyForcibly(); // SIGKILL: no shutdown hook, the outlet stays off
        assertTrue(first.waitFor(20, TimeUnit.SECONDS));
        assertEquals(List.of("$A3 6 0"), strip.queries());

        second = start(dir.resolve("second.log"), args);
        Eventually.await("power back on", () -> strip.queries().size() >= 2);
        assertEquals(List.of("$A3 6 0", "$A3 6 1"), strip.queries().subList(0, 2), "exactly the outlet left off");
        strip.queries().forEach(q -> assertTrue(q.startsWith("$A3 6 "), "router and jump host untouched: " + q));
      } finally {
        first.destroyForcibly();
        if (second != null) {
          second.destroyForcibly();
        }
      }
    }
  }

  /** Every shape of the Go lab's files: mPower, EdgeSwitch with "" and no password, Synaccess, {}. */
  @ParameterizedTest
  @ValueSource(strings = {"rack1-edgeswitch.json5", "rack4-edgeswitch-quoted.json5", "monitor-testdata-edgeswitch.json5",
      "rack2-synaccess.json5", "rack6-synaccess-infrastructure.json5", "example-mpower-edgeswitch.json5", "rack5-empty.json5"})
  void checkLoadsEveryGoLabConfiguration(String name) throws Exception {
    Path config = goLab(name);
    Run check = run(Map.of("POWERCYCLE_PASSWORD", "from-env"), "check", "--config", config.toString());

    assertEquals(0, check.status(), check.output());
    assertTrue(check.output().startsWith(config + ": valid; "), check.output());
    if (name.equals("rack5-empty.json5")) {
      assertTrue(check.output().contains("no machine is configured: the agent starts, reports nothing and idles"), check.output());
    }
    if (name.startsWith("rack6")) {
      assertTrue(check.output().contains("synaccess \"PDU7\": http://pdu7 as admin, off PT10S"), check.output());
      assertTrue(check.output().contains("  router "), check.output());
    }
  }

  @Test
  void checkRefusesAnEdgeSwitchWithoutAnyPassword() throws Exception {
    Run check = run(Map.of(), "check", "--config", goLab("rack1-edgeswitch.json5").toString());

    assertEquals(2, check.status());
    assertTrue(check.output().contains("edgeswitch.\"rack9-shelf1-poe-switch\": no password"), check.output());
  }

  @Test
  void checkProbesReadOnly() throws Exception {
    try (FakeSynaccess strip = new FakeSynaccess(0)) {
      Path config = Files.writeString(dir.resolve("lab.json5"), """
          { synaccess: { PDU7: { address: "%s", ports: { router: 1, "skia-e-win-701": 6 } },
                         gone: { address: "http://127.0.0.1:%d", ports: { "skia-e-win-702": 1 } } },
            mpower: { m: { address: "127.0.0.1", port: %d, user: "ubnt", ports: { "skia-e-linux-1": 1 } } } }
          """.formatted(strip.address(), Ports.free(), Ports.free()));

      Run check = run(Map.of(), "check", "--config", config.toString(), "--probe");

      assertEquals(1, check.status(), check.output());
      assertTrue(check.output().contains("synaccess \"PDU7\": " + strip.address() + " as admin, off PT10S\n"
          + "  router                           1\n"
          + "  skia-e-win-701                   6\n"
          + "  probe: answers: HTTP 200\n"), check.output());
      assertTrue(check.output().contains("host key from " + dir.resolve("home/.ssh/known_hosts")), check.output());
      assertEquals(4, check.output().split("probe: ").length, "one probe per controller: " + check.output());
      assertTrue(check.output().contains("probe: FAILED: "), check.output());
      assertEquals(List.of(), strip.queries(), "nothing switched");
    }
  }

  @Test
  void cyclesOneMachineByHand() throws Exception {
    try (FakeSynaccess strip = new FakeSynaccess(0)) {
      Path config = Files.writeString(dir.resolve("lab.json5"), """
          { synaccess: { PDU7: { address: "%s", off_seconds: 0.2, ports: { router: 1, "skia-e-win-701": 6 } } } }
          """.formatted(strip.address()));

      Run cycle = run(Map.of(), "cycle", "--config", config.toString(), "--state-dir", dir.resolve("state").toString(),
          "skia-e-win-701");
      Run unknown = run(Map.of(), "cycle", "--config", config.toString(), "--state-dir", dir.resolve("state").toString(),
          "skia-e-win-999");

      assertEquals(0, cycle.status(), cycle.output());
      assertTrue(cycle.output().contains("skia-e-win-701: power-cycled through synaccess \"PDU7\""), cycle.output());
      assertEquals(2, unknown.status(), unknown.output());
      assertEquals(List.of("$A3 6 0", "$A3 6 1"), strip.queries());
    }
  }

  @Test
  void servesMetricsOnLoopback() throws Exception {
    try (FakeSynaccess strip = new FakeSynaccess(0); FakeCentralServer server = new FakeCentralServer(true)) {
      Path config = Files.writeString(dir.resolve("lab.json5"), """
          { synaccess: { PDU7: { address: "%s", ports: { "skia-e-win-701": 6 } } } }
          """.formatted(strip.address()));
      int port = Ports.free();
      Process agent = start(dir.resolve("agent.log"), "--server", server.url().toString(), "--config", config.toString(),
          "--state-dir", dir.resolve("state").toString(), "--metrics-port", String.valueOf(port));
      try {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(2)).build();
        Eventually.await("reachable", () -> {
          try {
            return http.send(scrape, HttpResponse.BodyHandlers.ofString()).body()
                .contains("powercycle_controller_reachable{controller=\"synaccess PDU7\"} 1.0");
          } catch (IOException e) {
            return false;
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
        });
      } finally {
        agent.destroyForcibly();
      }
    }
  }

  @Test
  void printsUsage() throws Exception {
    Process agent = start("--help");

    assertTrue(agent.waitFor(20, TimeUnit.SECONDS));
    assertEquals(0, agent.exitValue());
    String stdout = new String(agent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(stdout.startsWith("Usage: powercycle-agent [-h] [run] | check | cycle"), stdout);
    assertTrue(stdout.contains("Validate the configuration"), stdout);
  }

  private record Run(int status, String output) {}

  /** Runs a command to its end, with standard output and error together. */
  private Run run(Map<String, String> env, String... args) throws Exception {
    Path log = Files.createTempFile(dir, "run-", ".log");
    ProcessBuilder builder = builder(args).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("POWERCYCLE_"));
    builder.environment().putAll(env);
    Process process = builder.start();
    try {
      assertTrue(process.waitFor(30, TimeUnit.SECONDS), "ends in time");
    } finally {
      process.destroyForcibly();
    }
    return new Run(process.exitValue(), Files.readString(log));
  }

  private Path goLab(String name) throws Exception {
    return Path.of(getClass().getResource("/go-lab/" + name).toURI());
  }

  private Process start(String... args) throws IOException {
    return start(null, args);
  }

  /** @param log where standard output and error go, or null to read them from the process */
  private Process start(Path log, String... args) throws IOException {
    ProcessBuilder builder = builder(args);
    if (log != null) {
      builder.redirectErrorStream(true).redirectOutput(log.toFile());
    }
    return builder.start();
  }

  /** The child's home is the test's, so that no real ~/.ssh is read. */
  private ProcessBuilder builder(String... args) {
    List<String> command = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElse("java"),
        "-Duser.home=" + dir.resolve("home"),
        "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }
}
