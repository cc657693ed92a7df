package io.machinestate.agent.swarming;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.agent.FakeCentral;
import io.machinestate.agent.tools.FakeTools;
import io.machinestate.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With real child processes: a shell script stands in for Python running the bot. */
class SwarmingBotTest {
  @TempDir Path dir;
  final FakeSwarming swarming = new FakeSwarming();

  SwarmingBotTest() throws IOException {}

  @AfterEach
  void stop() throws IOException {
    swarming.close();
    // The bots left running on purpose, and any a failed test left.
    if (Files.exists(dir.resolve("pids"))) {
      for (String pid : Files.readAllLines(dir.resolve("pids"))) {
        ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(p -> {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        });
      }
    }
  }

  private FakeTools tools() {
    return new FakeTools(dir);
  }

  /** A bot that records its start and its process id, then runs until killed. */
  private FakeTools longRunningBot() {
    return tools().script("python", tools().recordCall("python") + "; echo $$ >> '" + dir.resolve("pids") + "'; exec sleep 300");
  }

  private SwarmingBot bot(boolean leaveRunning, AtomicBoolean runningTask) {
    BotLaunch launch = new BotLaunch(dir.resolve("python"), dir.resolve("swarming_bot.zip"),
        new SwarmingServers(swarming.url(), swarming.url(), swarming.url()), swarming.tokenUrl(), leaveRunning);
    return new SwarmingBot(new SwarmingBot.Settings(launch, "skia-e-linux-101", Duration.ofMillis(50),
        dir.resolve("state/swarming-bot.json")), BotCodeTest.code(swarming, launch.servers()), runningTask, Json.newMapper());
  }

  private Path zip() {
    return dir.resolve("swarming_bot.zip");
  }

  private long botPid(int index) throws IOException {
    return Long.parseLong(Files.readAllLines(dir.resolve("pids")).get(index).strip());
  }

  @Test
  void launchesTheBotAndRelaunchesItWhenItExits() throws Exception {
    tools().script("python", tools().recordCall("python") + "; echo 'bot starting' >&2; exit 3");
    Files.write(zip(), FakeSwarming.ZIP);
    try (SwarmingBot bot = bot(false, new AtomicBoolean())) {
      bot.start();
      FakeCentral.await("two launches", 5, () -> tools().calls().size() >= 2);
    }
    assertEquals("python " + zip() + " start_bot", tools().calls().get(0));
    assertEquals(List.of(), swarming.requests, "the zip was there: nothing downloaded");
  }

  @Test
  void theBotIsToldItsIdAndThatItsHostIsSetUpAlready() throws Exception {
    tools().script("python", "echo \"$SWARMING_BOT_ID $SWARMING_EXTERNAL_BOT_SETUP\" >> '" + tools().callsFile() + "'; exec sleep 30");
    Files.write(zip(), FakeSwarming.ZIP);
    try (SwarmingBot bot = bot(false, new AtomicBoolean())) {
      bot.start();
      FakeCentral.await("the launch", 5, () -> !tools().calls().isEmpty());
    }
    assertEquals(List.of("skia-e-linux-101 1"), tools().calls());
  }

  @Test
  void aMissingZipIsDownloadedAndAFailedDownloadTriedAgain() throws Exception {
    tools().script("python", tools().recordCall("python") + "; exec sleep 30");
    swarming.status = 503;
    try (SwarmingBot bot = bot(false, new AtomicBoolean())) {
      bot.start();
      FakeCentral.await("two attempts", 5, () -> swarming.requests.size() >= 2);
      assertTrue(tools().calls().isEmpty());
      swarming.status = 200;
      FakeCentral.await("launch once downloaded", 5, () -> !tools().calls().isEmpty());
    }
    assertArrayEquals(FakeSwarming.ZIP, Files.readAllBytes(zip()));
    assertEquals("/bot_code Bearer " + FakeSwarming.TOKEN, swarming.requests.getLast());
  }

  @Test
  void closingEndsTheBotAndItsTaskUnlessToldToLeaveThem() throws Exception {
    // The bot starts a task (a child of its own) and runs on.
    tools().script("python", "echo $$ >> '" + dir.resolve("pids") + "'; sleep 300 & echo $! >> '" + dir.resolve("pids")
        + "'; wait");
    Files.write(zip(), FakeSwarming.ZIP);
    try (SwarmingBot bot = bot(false, new AtomicBoolean())) {
      bot.start();
      FakeCentral.await("bot and task", 5, () -> lines(dir.resolve("pids")) == 2);
    }
    FakeCentral.await("bot and task ended", 5, () -> !alive(0) && !alive(1));
    assertFalse(Files.exists(dir.resolve("state/swarming-bot.json")));
  }

  @Test
  void aBotLeftRunningIsTakenOverWithItsTaskAndReplacedOnlyOnceItExits() throws Exception {
    longRunningBot();
    Files.write(zip(), FakeSwarming.ZIP);
    AtomicBoolean firstTask = new AtomicBoolean();
    try (SwarmingBot first = bot(true, firstTask)) {
      first.start();
      FakeCentral.await("the launch", 5, () -> lines(dir.resolve("pids")) == 1);
      firstTask.set(true); // Swarming's on_before_task hook
    }
    assertTrue(alive(0), "the bot outlives the agent");

    AtomicBoolean secondTask = new AtomicBoolean();
    try (SwarmingBot second = bot(true, secondTask)) {
      second.start();
      FakeCentral.await("the task taken over", 5, secondTask::get);
      Thread.sleep(300); // several restart delays: no second bot meanwhile
      assertEquals(1, tools().calls().size(), tools().calls().toString());

      ProcessHandle.of(botPid(0)).orElseThrow().destroy(); // the bot exits, as when it upgrades itself
      FakeCentral.await("a new bot", 5, () -> tools().calls().size() == 2);
      assertFalse(secondTask.get(), "an ended bot runs no task");
    }
  }

  @Test
  void aNoteOfAnotherProcessIsIgnored() throws Exception {
    longRunningBot();
    Files.write(zip(), FakeSwarming.ZIP);
    // This JVM's id, but another start time: the id was reused.
    new RunningBot(ProcessHandle.current().pid(), 0, true)
        .write(dir.resolve("state/swarming-bot.json"), Json.newMapper());
    AtomicBoolean task = new AtomicBoolean();
    try (SwarmingBot bot = bot(false, task)) {
      bot.start();
      FakeCentral.await("a bot started", 5, () -> tools().calls().size() == 1);
      assertFalse(task.get());
    }
  }

  private boolean alive(int index) {
    try {
      return ProcessHandle.of(botPid(index)).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
