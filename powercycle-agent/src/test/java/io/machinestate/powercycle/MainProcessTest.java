package io.machinestate.powercycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.powercycle.testing.Eventually;
import io.machinestate.powercycle.testing.FakeCentralServer;
import io.machinestate.powercycle.testing.FakeSynaccess;
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
          "--state-dir", dir.resolve("state").toString());
      try {
        server.request("skia-e-win-001");
        Eventually.await("power off", () -> strip.queries().contains("$A3 5 0"));

        agent.destroy(); // SIGTERM
        assertTrue(agent.waitFor(20, TimeUnit.SECONDS), "the agent exits");

        assertEquals(List.of("$A3 5 1", "$A3 5 0", "$A3 5 1"), strip.queries(), "restored at start, off, on at SIGTERM");
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
    Path token = Files.writeString(dir.resolve("token"), "\n");
    Process agent = start("--server", "http://127.0.0.1:1", "--config", config.toString(), "--state-dir", dir.toString(),
        "--token-file", token.toString());

    assertTrue(agent.waitFor(20, TimeUnit.SECONDS));
    assertEquals(2, agent.exitValue());
    String stderr = new String(agent.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(stderr.contains("powercycle-agent: cannot use the token file: token file " + token + " is empty"), stderr);
  }

  @Test
  void printsUsage() throws Exception {
    Process agent = start("--help");

    assertTrue(agent.waitFor(20, TimeUnit.SECONDS));
    assertEquals(0, agent.exitValue());
    String stdout = new String(agent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(stdout.startsWith("Usage: java -jar powercycle-agent.jar --server URL --config FILE --state-dir DIR"), stdout);
    assertTrue(stdout.contains("--token-file FILE") && stdout.contains("MACHINESERVER_TOKEN_FILE"), stdout);
  }

  private Process start(String... args) throws IOException {
    return start(null, args);
  }

  /** @param log where standard output and error go, or null to read them from the process */
  private Process start(Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    if (log != null) {
      builder.redirectErrorStream(true).redirectOutput(log.toFile());
    }
    return builder.start();
  }
}
