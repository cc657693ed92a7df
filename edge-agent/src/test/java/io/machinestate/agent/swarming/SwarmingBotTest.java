package io.machinestate.agent.swarming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.agent.FakeCentral;
import io.machinestate.agent.tools.FakeTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwarmingBotTest {
  @TempDir Path dir;

  @Test
  void launchesTheBotAndRelaunchesItWhenItExits() throws Exception {
    FakeTools tools = new FakeTools(dir);
    tools.script("python", tools.recordCall("python") + "; echo 'bot starting' >&2; exit 3");
    Path zip = Files.writeString(dir.resolve("swarming_bot.zip"), "");
    try (SwarmingBot bot = new SwarmingBot(dir.resolve("python"), zip, "skia-e-linux-101", Duration.ofMillis(50))) {
      bot.start();
      FakeCentral.await("two launches", 5, () -> tools.calls().size() >= 2);
    }
    assertTrue(tools.calls().get(0).equals("python " + zip + " start_bot"), tools.calls().get(0));
  }

  @Test
  void theBotIsToldItsIdAndThatItsHostIsSetUpAlready() throws Exception {
    FakeTools tools = new FakeTools(dir);
    tools.script("python", "echo \"$SWARMING_BOT_ID $SWARMING_EXTERNAL_BOT_SETUP\" >> '" + tools.callsFile() + "'; exec sleep 30");
    Path zip = Files.writeString(dir.resolve("swarming_bot.zip"), "");
    try (SwarmingBot bot = new SwarmingBot(dir.resolve("python"), zip, "skia-e-linux-102", Duration.ofMillis(50))) {
      bot.start();
      FakeCentral.await("the launch", 5, () -> !tools.calls().isEmpty());
    }
    assertEquals(List.of("skia-e-linux-102 1"), tools.calls());
  }

  @Test
  void aMissingBotIsLookedForAgain() throws Exception {
    FakeTools tools = new FakeTools(dir);
    tools.script("python", tools.recordCall("python"));
    Path zip = dir.resolve("swarming_bot.zip");
    try (SwarmingBot bot = new SwarmingBot(dir.resolve("python"), zip, "skia-e-linux-101", Duration.ofMillis(50))) {
      bot.start();
      Thread.sleep(200);
      assertTrue(tools.calls().isEmpty());
      Files.writeString(zip, "");
      FakeCentral.await("launch once the zip is there", 5, () -> !tools.calls().isEmpty());
    }
  }
}
