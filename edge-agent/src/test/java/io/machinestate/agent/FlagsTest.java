package io.machinestate.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.agent.central.GoogleAuth;
import io.machinestate.agent.swarming.BotLaunch;
import io.machinestate.testing.TestCa;
import io.machinestate.testing.TokenFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlagsTest {
  static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/chrome-bot");

  private static AgentConfig parse(Map<String, String> env, String... args) throws Exception {
    return Flags.parse(args, env, "1.2.3");
  }

  @Test
  void defaults() throws Exception {
    AgentConfig c = parse(ENV, "--server", "https://machines.example.org", "--machine-id", "skia-rpi-001");
    assertEquals("https://machines.example.org/", c.server().toString());
    assertEquals(11000, c.port());
    assertEquals("127.0.0.1", c.bindAddress());
    assertEquals("skia-rpi-001", c.machineId());
    assertEquals(Path.of("/home/chrome-bot/.edge-agent"), c.stateDir());
    assertEquals(Path.of("/home/chrome-bot"), c.home());
    assertEquals(Path.of("/tmp/ssh_machine.json"), c.sshMachineFile());
    assertEquals("/usr/bin:/bin", c.toolPath());
    assertEquals(Duration.ofSeconds(10), c.toolTimeout());
    assertEquals("169.254.169.254", c.gceMetadataHost());
    assertEquals(Duration.ofSeconds(30), c.eventInterval());
    assertEquals(Duration.ofSeconds(60), c.pollInterval());
    assertFalse(c.startSwarming());
    assertEquals("1.2.3", c.version());
  }

  @Test
  void environmentTwinsAndFlagsWin() throws Exception {
    Map<String, String> env = Map.of("EDGE_AGENT_SERVER", "http://env:8000", "SWARMING_BOT_ID", "skia-env",
        "EDGE_AGENT_PORT", "12000", "MY_RACK_NAME", "rack2", "GCE_METADATA_HOST", "127.0.0.1:9");
    AgentConfig fromEnv = parse(env);
    assertEquals("http://env:8000/", fromEnv.server().toString());
    assertEquals("skia-env", fromEnv.machineId());
    assertEquals(12000, fromEnv.port());
    assertEquals("rack2", fromEnv.rackName());
    assertEquals("127.0.0.1:9", fromEnv.gceMetadataHost());

    AgentConfig flags = parse(env, "--port=13000", "--machine-id", "skia-flag", "--start-swarming",
        "--swarming-bot-zip", "/b/s/swarming_bot.zip", "--python-exe", "/usr/bin/python3", "--tool-timeout", "3");
    assertEquals(13000, flags.port());
    assertEquals("skia-flag", flags.machineId());
    assertTrue(flags.startSwarming());
    BotLaunch launch = flags.swarming().orElseThrow();
    assertEquals(Path.of("/b/s/swarming_bot.zip"), launch.botZip());
    assertEquals(Path.of("/usr/bin/python3"), launch.python());
    assertEquals("https://chromium-swarm.appspot.com/bot_code", launch.servers().botCode("skia-flag").toString());
    assertEquals("https://chrome-swarming.appspot.com/bot_code", launch.servers().botCode("skia-i-flag").toString());
    assertEquals("https://chromium-swarm-dev.appspot.com/bot_code", launch.servers().botCode("skia-d-flag").toString());
    assertEquals("http://metadata:8000/computeMetadata/v1/instance/service-accounts/default/token",
        launch.metadataUrl().toString());
    assertFalse(launch.leaveRunning());
    assertEquals(Duration.ofSeconds(3), flags.toolTimeout());

    assertEquals(14000, parse(env, "--port", "13000", "--port", "14000").port(), "the last of a repeated flag wins");
  }

  @Test
  void theSwarmingServersAndTheMetadataServerMayBeMoved() throws Exception {
    Map<String, String> env = Map.of("EDGE_AGENT_SWARMING_DEV_SERVER", "http://127.0.0.1:9/",
        "EDGE_AGENT_LEAVE_BOT_RUNNING", "true");
    BotLaunch launch = parse(env, "--server", "http://s", "--start-swarming", "--swarming-bot-zip", "/z", "--python-exe",
        "/p", "--swarming-server", "https://swarm.example", "--swarming-internal-server", "https://internal.example",
        "--metadata-url", "http://127.0.0.1:8/token").swarming().orElseThrow();
    assertEquals("https://swarm.example/bot_code", launch.servers().botCode("skia-e-1").toString());
    assertEquals("https://internal.example/bot_code", launch.servers().botCode("skia-i-1").toString());
    assertEquals("http://127.0.0.1:9/bot_code", launch.servers().botCode("skia-d-1").toString());
    assertEquals("http://127.0.0.1:8/token", launch.metadataUrl().toString());
    assertTrue(launch.leaveRunning());
    assertMessage("--metadata-url \"metadata:8000\" is not an http or https URL", ENV, "--server", "http://s",
        "--start-swarming", "--swarming-bot-zip", "/z", "--python-exe", "/p", "--metadata-url", "metadata:8000");
  }

  @Test
  void aSwitchIsGivenBareOrWithATruthValue() throws Exception {
    Map<String, String> on = Map.of("EDGE_AGENT_LEAVE_BOT_RUNNING", "true");
    assertTrue(parse(on, "--server", "http://s", "--start-swarming", "--swarming-bot-zip", "/z", "--python-exe", "/p")
        .swarming().orElseThrow().leaveRunning());
    assertFalse(parse(on, "--server", "http://s", "--start-swarming", "--leave-bot-running=false", "--swarming-bot-zip",
        "/z", "--python-exe", "/p").swarming().orElseThrow().leaveRunning());
    assertFalse(parse(on, "--server", "http://s", "--start-swarming", "--leave-bot-running", "No", "--swarming-bot-zip",
        "/z", "--python-exe", "/p").swarming().orElseThrow().leaveRunning());
    assertTrue(parse(ENV, "--server", "https://s", "--google-auth", "yes").googleAuth().isPresent());
    assertFalse(parse(ENV, "--server", "https://s", "--google-auth", "false").googleAuth().isPresent());
    assertFalse(parse(ENV, "--server", "https://s", "--google-auth=0").googleAuth().isPresent());
    assertEquals("a=b", parse(ENV, "--server=http://s", "--rack", "a=b").rackName(), "only the flag's own = splits it");
    assertMessage("Expected parameter for option '--rack' but found '--server=http://s'", ENV, "--rack", "--server=http://s");
    assertMessage("--google-auth \"maybe\" is not true or false", ENV, "--server", "https://s", "--google-auth", "maybe");
  }

  @Test
  void machineIdDefaultsToTheHostName() throws Exception {
    assertFalse(parse(ENV, "--server", "http://s").machineId().isEmpty());
  }

  @Test
  void errorsSayWhatIsWrong() {
    assertMessage("--server is required", ENV);
    assertMessage("--server \"ftp://x\" is not an http or https URL", ENV, "--server", "ftp://x");
    assertMessage("Unknown option: '--verbose'", ENV, "--server", "http://s", "--verbose");
    assertMessage("Missing required parameter for option '--port' (PORT)", ENV, "--server", "http://s", "--port");
    assertMessage("--port \"eleven\" is not a whole number", ENV, "--server", "http://s", "--port", "eleven");
    assertMessage("--port 70000 is not a TCP port", ENV, "--server", "http://s", "--port", "70000");
    assertMessage("--machine-id: machine id contains a slash", ENV, "--server", "http://s", "--machine-id", "a/b");
    assertMessage("--start-swarming needs --swarming-bot-zip and --python-exe", ENV, "--server", "http://s", "--start-swarming");
    assertMessage("Unmatched argument at index 2: 'extra'", ENV, "--server", "http://s", "extra");
  }

  private static void assertMessage(String message, Map<String, String> env, String... args) {
    assertEquals(message, assertThrows(Flags.UsageException.class, () -> parse(env, args)).getMessage());
  }

  @Test
  void theTokenComesFromAFileAFlagOrTheEnvironmentAndAFileWins(@TempDir Path dir) throws Exception {
    Path file = TokenFiles.write(dir.resolve("token"), "from-file\n");
    assertEquals(Optional.empty(), parse(ENV, "--server", "https://s").token());
    assertEquals(Optional.of("from-flag"), parse(ENV, "--server", "https://s", "--token", "from-flag").token());
    assertEquals(Optional.of("from-env"), parse(Map.of("MACHINESERVER_TOKEN", "from-env"), "--server", "https://s").token());
    assertEquals(Optional.of("from-file"),
        parse(ENV, "--server", "https://s", "--token", "from-flag", "--token-file", file.toString()).token());
    assertEquals(Optional.of("from-file"),
        parse(Map.of("MACHINESERVER_TOKEN_FILE", file.toString(), "MACHINESERVER_TOKEN", "from-env"), "--server", "https://s")
            .token());
  }

  @Test
  void googleCredentialsAreAnOptionBesideTheToken(@TempDir Path dir) throws Exception {
    assertEquals(Optional.empty(), parse(ENV, "--server", "https://s").googleAuth());
    assertEquals(Optional.of(new GoogleAuth(Optional.empty())), parse(ENV, "--server", "https://s", "--google-auth").googleAuth());
    Path key = dir.resolve("key.json");
    assertEquals(Optional.of(new GoogleAuth(Optional.of(key))),
        parse(Map.of("GOOGLE_APPLICATION_CREDENTIALS", key.toString(), "EDGE_AGENT_GOOGLE_AUTH", "true"), "--server", "https://s")
            .googleAuth());
    assertMessage("give either a token or --google-auth, not both", ENV, "--server", "https://s", "--google-auth",
        "--token", "t");
    // Google's access token is a bearer token too.
    assertTrue(assertThrows(Flags.UsageException.class, () -> parse(ENV, "--server", "http://s", "--google-auth"))
        .getMessage().startsWith("refusing to send the bearer token in clear text to http://s/"));
  }

  @Test
  void aTokenFileThatCannotBeUsedIsRefused(@TempDir Path dir) throws Exception {
    Path empty = TokenFiles.write(dir.resolve("empty"), " \n");
    assertMessage("token file " + empty + " is empty", ENV, "--server", "https://s", "--token-file", empty.toString());
    Path missing = dir.resolve("missing");
    assertMessage("token file " + missing + " does not exist", ENV, "--server", "https://s", "--token-file", missing.toString());
    Path open = Files.writeString(dir.resolve("open"), "s3cret\n");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    assertMessage("token file " + open + " is open to others (mode 0644); make it private to the agent's user: chmod 600 "
        + open, ENV, "--server", "https://s", "--token-file", open.toString());
  }

  @Test
  void aTokenGoesOverPlainHttpOnlyToThisHostUnlessAllowed() throws Exception {
    Flags.UsageException e = assertThrows(Flags.UsageException.class,
        () -> parse(ENV, "--server", "http://machines.lab:8000", "--token", "t"));
    assertTrue(e.getMessage().startsWith("refusing to send the bearer token in clear text to http://machines.lab:8000/")
        && e.getMessage().contains("--allow-insecure-http"), e.getMessage());
    assertEquals(Optional.of("t"), parse(ENV, "--server", "http://machines.lab:8000", "--token", "t",
        "--allow-insecure-http").token());
    assertEquals(Optional.of("t"), parse(Map.of("MACHINESERVER_ALLOW_INSECURE_HTTP", "true"),
        "--server", "http://machines.lab:8000", "--token", "t").token());
    assertEquals(Optional.of("t"), parse(ENV, "--server", "http://127.0.0.1:8000", "--token", "t").token());
    assertEquals(Optional.empty(), parse(ENV, "--server", "http://machines.lab:8000").token(), "no token, nothing to leak");
  }

  @Test
  void aPrivateCaComesFromAFlagOrTheEnvironment(@TempDir Path dir) throws Exception {
    Path pem = TestCa.create(dir).caPem();
    AgentConfig flag = parse(ENV, "--server", "https://machines.lab", "--ca-cert", pem.toString());
    AgentConfig env = parse(Map.of("MACHINESERVER_CA_CERT", pem.toString()), "--server", "https://machines.lab");
    assertEquals("1 certificate of " + pem, flag.tls().orElseThrow().toString());
    assertEquals("1 certificate of " + pem, env.tls().orElseThrow().toString());
    assertEquals(Optional.empty(), parse(ENV, "--server", "https://machines.lab").tls());
    assertMessage("--ca-cert is for an https:// server, not http://machines.lab/", ENV,
        "--server", "http://machines.lab", "--ca-cert", pem.toString());
  }

  @Test
  void theConfigNeverShowsTheToken() throws Exception {
    AgentConfig c = parse(ENV, "--server", "https://s", "--machine-id", "m", "--token", "s3cret-t0ken");
    assertFalse(c.toString().contains("s3cret"), c.toString());
    assertTrue(c.toString().contains("token=(hidden)") && c.toString().contains("machineId=m"), c.toString());
    assertEquals(Optional.of("s3cret-t0ken"), c.withIntervals(Duration.ofSeconds(1), Duration.ofSeconds(1)).token());
  }

  @Test
  void usageListsEveryFlagWithItsVariable() {
    String usage = Flags.usage();
    for (Flags.Option o : Flags.OPTIONS) {
      assertTrue(usage.contains("--" + o.name()) && usage.contains("$" + o.env()), o.name());
    }
    assertTrue(usage.contains("--token-file") && usage.contains("$MACHINESERVER_TOKEN_FILE"), usage);
    assertTrue(Flags.wantsHelp(new String[] {"--server", "x", "--help"}));
    assertTrue(usage.startsWith("Usage: edge-agent --server URL [flags]"), usage);
  }

  @Test
  void aSwitchMayBeGivenBareOrWithAValue() throws Exception {
    String[] bare = {"--server", "http://s", "--start-swarming", "--swarming-bot-zip", "/z", "--python-exe", "/p"};
    assertTrue(parse(ENV, bare).startSwarming());
    assertFalse(parse(ENV, "--server", "http://s", "--start-swarming=false").startSwarming());
    assertTrue(parse(Map.of("EDGE_AGENT_START_SWARMING", "yes", "EDGE_AGENT_SWARMING_BOT_ZIP", "/z",
        "EDGE_AGENT_PYTHON_EXE", "/p"), "--server", "http://s").startSwarming());
    assertFalse(parse(Map.of("EDGE_AGENT_START_SWARMING", "yes"), "--server", "http://s", "--start-swarming=no")
        .startSwarming());
    assertMessage("--start-swarming \"maybe\" is not true or false", ENV, "--server", "http://s", "--start-swarming=maybe");
  }
}
