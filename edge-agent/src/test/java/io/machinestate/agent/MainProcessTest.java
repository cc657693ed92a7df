package io.machinestate.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.testing.TokenFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent as a real child process. */
class MainProcessTest {
  static final String ID = "skia-e-linux-201";

  @TempDir Path dir;

  @Test
  void logsItsShutdownOnSigterm() throws Exception {
    Path tokenFile = TokenFiles.write(dir.resolve("token"), "child-token-1\n");
    Path log = dir.resolve("agent.log");
    try (FakeCentral central = FakeCentral.start()) {
      Process agent = start(log, "--server", central.url().toString(), "--machine-id", ID, "--port", "0",
          "--state-dir", dir.resolve("state").toString(), "--home", dir.toString(),
          "--gce-metadata-host", "127.0.0.1:" + AgentProcess.freePort(), "--tool-timeout", "1", "--token-file", tokenFile.toString());
      try {
        FakeCentral.await("the first event", 20, () -> AgentProcess.read(log).contains("First event of machine " + ID + " accepted"));

        agent.toHandle().destroy(); // SIGTERM; Process.destroy() would also close the pipes
        assertTrue(agent.waitFor(20, TimeUnit.SECONDS), "the agent exits");

        String logged = AgentProcess.read(log);
        assertTrue(logged.contains("Edge agent for machine " + ID + " stopping")
            && logged.contains("Edge agent for machine " + ID + " stopped"), logged);
        assertFalse(logged.contains("child-token-1") || logged.contains("Bearer "), logged);
        assertFalse(logged.contains("Exception in thread"), "nothing thrown while stopping: " + logged);
        assertTrue(central.authorizations().stream().allMatch(a -> a.endsWith(" Bearer child-token-1")),
            central.authorizations().toString());
      } finally {
        agent.destroyForcibly();
      }
    }
  }

  @Test
  void refusesAnEmptyTokenFileAtStart() throws Exception {
    Path tokenFile = TokenFiles.write(dir.resolve("token"), "\n");
    Process agent = start(null, "--server", "http://127.0.0.1:1", "--machine-id", ID, "--token-file", tokenFile.toString());

    assertTrue(agent.waitFor(20, TimeUnit.SECONDS));
    assertEquals(2, agent.exitValue());
    String stderr = new String(agent.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(stderr.startsWith("edge-agent: token file " + tokenFile + " is empty"), stderr);
  }

  @Test
  void refusesAtStartToSendTheTokenOverPlainHttpToAnotherHost() throws Exception {
    Process agent = start(null, "--server", "http://192.0.2.1:8000", "--machine-id", ID, "--token", "t");

    assertTrue(agent.waitFor(20, TimeUnit.SECONDS));
    assertEquals(2, agent.exitValue());
    String stderr = new String(agent.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(stderr.startsWith("edge-agent: refusing to send the bearer token in clear text to http://192.0.2.1:8000/"
        + ": use an https:// server URL, or give --allow-insecure-http"), stderr);
  }

  @Test
  void helpListsTheTokenFlags() throws Exception {
    Process agent = start(null, "--help");

    assertTrue(agent.waitFor(20, TimeUnit.SECONDS));
    assertEquals(0, agent.exitValue());
    String stdout = new String(agent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(stdout.startsWith("Usage: edge-agent --server URL [flags]"), stdout);
    assertTrue(stdout.contains("--token-file") && stdout.contains("$MACHINESERVER_TOKEN_FILE")
        && stdout.contains("--token=TOKEN") && stdout.contains("$MACHINESERVER_TOKEN]"), stdout);
  }

  /** @param log where standard output and error go, or null to read them from the process */
  private Process start(Path log, String... args) throws IOException {
    // No device tools for the child: an empty PATH directory.
    Path bin = Files.createDirectories(dir.resolve("bin"));
    ProcessBuilder builder = AgentProcess.builder(bin.toString(), List.of(), List.of(args));
    return log == null ? builder.start() : AgentProcess.start(builder, log);
  }
}
