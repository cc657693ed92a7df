package io.machinestate.agent.swarming;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.machinestate.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BotCodeTest {
  @TempDir Path dir;

  @Test
  void theBotsIdPrefixChoosesTheServer() {
    SwarmingServers servers = new SwarmingServers(HttpUrl.get("https://public.example/"),
        HttpUrl.get("https://internal.example/"), HttpUrl.get("https://dev.example/"));
    assertEquals("https://internal.example/bot_code", servers.botCode("skia-i-rpi-001").toString());
    assertEquals("https://dev.example/bot_code", servers.botCode("skia-d-linux-1").toString());
    assertEquals("https://public.example/bot_code", servers.botCode("skia-e-win-201").toString());
    assertEquals("https://public.example/bot_code", servers.botCode("skia-rpi2-0001").toString());
  }

  @Test
  void downloadsWithTheMetadataServersTokenFromTheServerOfTheBot() throws Exception {
    try (FakeSwarming metadata = new FakeSwarming(); FakeSwarming publicServer = new FakeSwarming();
        FakeSwarming internal = new FakeSwarming(); FakeSwarming dev = new FakeSwarming()) {
      BotCode code = code(metadata, new SwarmingServers(publicServer.url(), internal.url(), dev.url()));
      Path zip = dir.resolve("b/s/swarming_bot.zip");

      code.download("skia-i-rpi-001", zip);

      assertArrayEquals(FakeSwarming.ZIP, Files.readAllBytes(zip));
      assertEquals(List.of("/token Google"), metadata.requests);
      assertEquals(List.of("/bot_code Bearer " + FakeSwarming.TOKEN), internal.requests);
      assertEquals(List.of(), publicServer.requests);
      assertEquals(List.of(), dev.requests);
      assertEquals(List.of(zip.getFileName()), files(), "nothing left beside the zip");
    }
  }

  @Test
  void aFailedDownloadSaysWhyAndLeavesNothing() throws Exception {
    try (FakeSwarming metadata = new FakeSwarming(); FakeSwarming swarming = new FakeSwarming()) {
      BotCode code = code(metadata, new SwarmingServers(swarming.url(), swarming.url(), swarming.url()));
      Path zip = dir.resolve("swarming_bot.zip");
      String botCode = swarming.url() + "bot_code";

      swarming.botCode = "<html>Login required</html>".getBytes(StandardCharsets.UTF_8);
      assertFails(botCode + " sent something other than a zip", code, zip);
      swarming.botCode = new byte[0];
      assertFails(botCode + " sent an empty body", code, zip);
      swarming.status = 403;
      assertFails("Swarming server " + botCode + " answered 403", code, zip);

      metadata.tokenBody = "{\"error\":\"no service account\"}".getBytes(StandardCharsets.UTF_8);
      assertFails("metadata server " + metadata.tokenUrl() + " sent no access_token", code, zip);
      metadata.tokenBody = "access_token=x".getBytes(StandardCharsets.UTF_8);
      assertFails("metadata server " + metadata.tokenUrl() + " sent no JSON", code, zip);
      metadata.status = 404;
      assertFails("metadata server " + metadata.tokenUrl() + " answered 404", code, zip);
    }
  }

  private void assertFails(String message, BotCode code, Path zip) throws Exception {
    Exception e = assertThrows(Exception.class, () -> code.download("skia-e-linux-1", zip));
    assertEquals(message, e.getMessage());
    assertFalse(e.getMessage().contains(FakeSwarming.TOKEN));
    assertEquals(List.of(), files(), "a failed download leaves no file");
  }

  private List<Path> files() throws Exception {
    try (var files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).map(Path::getFileName).toList();
    }
  }

  static BotCode code(FakeSwarming metadata, SwarmingServers servers) {
    return new BotCode(new OkHttpClient(), servers, metadata.tokenUrl(), Json.newMapper());
  }
}
