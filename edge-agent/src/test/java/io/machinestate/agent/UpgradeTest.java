package io.machinestate.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.agent.tools.FakeTools;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent upgraded while Swarming runs a task, as systemd does it with KillMode=process: the old
 * agent gets SIGTERM and exits, the new one starts. Real processes throughout: two agent JVMs, and
 * a shell script standing in for the bot, which starts a task of its own.
 */
class UpgradeTest {
  static final String ID = "skia-e-linux-301";

  @TempDir Path dir;
  private final List<Process> agents = new ArrayList<>();

  @AfterEach
  void stop() throws IOException {
    agents.forEach(Process::destroyForcibly);
    for (long pid : pids()) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void theTaskOutlivesTheAgentAndTheNewAgentTakesTheBotOver() throws Exception {
    FakeTools tools = new FakeTools(Files.createDirectories(dir.resolve("bin")));
    // The bot notes itself and its task, then waits for the task.
    tools.script("python", tools.recordCall("python") + "; echo $$ >> '" + dir.resolve("pids") + "'; sleep 300 & echo $! >> '"
        + dir.resolve("pids") + "'; wait");
    Path zip = Files.writeString(dir.resolve("swarming_bot.zip"), "PK");
    int port = AgentProcess.freePort();
    try (FakeCentral central = FakeCentral.start()) {
      List<String> args = List.of("--server", central.url().toString(), "--machine-id", ID, "--port", String.valueOf(port),
          "--state-dir", dir.resolve("state").toString(), "--home", dir.toString(), "--tool-timeout", "1",
          "--gce-metadata-host", "127.0.0.1:" + AgentProcess.freePort(), "--start-swarming", "--leave-bot-running",
          "--python-exe", dir.resolve("bin/python").toString(), "--swarming-bot-zip", zip.toString());
      Path firstLog = dir.resolve("first.log");
      Process first = start(firstLog, args);
      FakeCentral.await("bot and task", 20, () -> pids().size() == 2);
      hook(port, "/on_before_task");

      first.toHandle().destroy(); // SIGTERM, as systemd stops the old agent
      assertTrue(first.waitFor(20, TimeUnit.SECONDS), "the old agent exits");
      assertTrue(pids().stream().allMatch(UpgradeTest::alive), "bot and task run on: " + AgentProcess.read(firstLog));

      Path secondLog = dir.resolve("second.log");
      start(secondLog, args);
      FakeCentral.await("the bot taken over", 20, () -> AgentProcess.read(secondLog).contains("Taking over the Swarming bot left running"));
      FakeCentral.await("the task known", 20, () -> hook(port, "/metrics").contains("edge_agent_task_running 1.0"));
      assertEquals(1, tools.calls().size(), "no second bot: " + tools.calls());

      hook(port, "/on_after_task");
      ProcessHandle.of(pids().getFirst()).orElseThrow().destroy(); // the bot exits, as when it upgrades itself
      FakeCentral.await("a new bot", 20, () -> tools.calls().size() == 2);
    }
  }

  private static String hook(int port, String path) {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private Process start(Path log, List<String> args) throws IOException {
    Process agent = AgentProcess.start(AgentProcess.builder(dir.resolve("bin") + ":/usr/bin:/bin", List.of(), args), log);
    agents.add(agent);
    return agent;
  }

  private List<Long> pids() {
    return AgentProcess.read(dir.resolve("pids")).lines().map(String::strip).map(Long::parseLong).toList();
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
