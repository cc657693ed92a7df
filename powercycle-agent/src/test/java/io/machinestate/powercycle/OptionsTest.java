package io.machinestate.powercycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.testing.TestCa;
import io.machinestate.testing.TokenFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptionsTest {
  @TempDir Path dir;

  private static final Map<String, String> ENV = Map.of(
      "POWERCYCLE_SERVER", "http://env:8000",
      "POWERCYCLE_CONFIG", "/etc/env.json5",
      "POWERCYCLE_STATE_DIR", "/var/lib/env",
      "POWERCYCLE_METRICS_PORT", "9100");

  @Test
  void flagsWinOverTheirEnvironmentTwins() {
    Options.Action fromEnv = Options.parse(new String[0], ENV);
    Options.Action fromFlags = Options.parse(new String[] {"--server", "http://flag:9000", "--config=/etc/flag.json5",
        "--metrics-port", "0"}, ENV);

    assertEquals(new Options.Run(HttpUrl.get("http://env:8000"), Path.of("/etc/env.json5"), Path.of("/var/lib/env"),
        Optional.empty(), Optional.empty(), 9100), fromEnv);
    assertEquals(new Options.Run(HttpUrl.get("http://flag:9000"), Path.of("/etc/flag.json5"), Path.of("/var/lib/env"),
        Optional.empty(), Optional.empty(), 0), fromFlags);
    assertEquals(fromFlags, Options.parse(new String[] {"run", "--server", "http://flag:9000", "--config=/etc/flag.json5",
        "--metrics-port", "0"}, ENV), "run is the default");
    assertEquals(Options.DEFAULT_METRICS_PORT,
        ((Options.Run) Options.parse(new String[] {"--server", "http://s", "--config", "c", "--state-dir", "d"}, Map.of()))
            .metricsPort());
  }

  @Test
  void checkAndCycleTakeTheConfigurationFromTheEnvironmentToo() {
    assertEquals(new Options.Check(Path.of("/etc/env.json5"), false), Options.parse(new String[] {"check"}, ENV));
    assertEquals(new Options.Check(Path.of("lab.json5"), true),
        Options.parse(new String[] {"check", "--config", "lab.json5", "--probe"}, ENV));
    assertEquals(new Options.Cycle(Path.of("/etc/env.json5"), Path.of("/var/lib/env"), "skia-e-win-001"),
        Options.parse(new String[] {"cycle", "skia-e-win-001"}, ENV));
    assertEquals(new Options.Cycle(Path.of("lab.json5"), Path.of("state"), "m"),
        Options.parse(new String[] {"cycle", "--config", "lab.json5", "--state-dir", "state", "m"}, Map.of()));
  }

  @Test
  void helpForEachCommand() {
    String top = ((Options.Help) Options.parse(new String[] {"--help"}, Map.of())).text();
    assertTrue(top.startsWith("Usage: powercycle-agent [-h] [run] | check | cycle"), top);
    assertTrue(top.contains("check") && top.contains("cycle"), top);
    String run = ((Options.Help) Options.parse(new String[] {"--server", "x", "--help"}, Map.of())).text();
    assertTrue(run.contains("--token-file=FILE") && run.contains("MACHINESERVER_TOKEN_FILE"), run);
    assertTrue(run.contains("--metrics-port=PORT") && run.contains("POWERCYCLE_METRICS_PORT"), run);
    String check = ((Options.Help) Options.parse(new String[] {"check", "--help"}, Map.of())).text();
    assertTrue(check.contains("--probe"), check);
  }

  @Test
  void explainsWhatIsWrong() {
    assertEquals("missing --server (or POWERCYCLE_SERVER)", refused(new String[0]));
    assertEquals("Unknown options: '--sever', 'x'", refused(new String[] {"--sever", "x"}));
    assertTrue(refused(new String[] {"--config"}).startsWith("Missing required parameter for option '--config'"));
    assertEquals("--server: \"machines:8000\" is not an http(s) URL",
        refused(new String[] {"--server", "machines:8000", "--config", "c", "--state-dir", "d"}));
    assertEquals("missing --config (or POWERCYCLE_CONFIG)", refused(new String[] {"check"}));
    assertEquals("missing --state-dir (or POWERCYCLE_STATE_DIR)", refused(new String[] {"cycle", "--config", "c", "m"}));
    assertTrue(refused(new String[] {"cycle", "--config", "c", "--state-dir", "d"}).startsWith("Missing required parameter"));
    assertTrue(refused(new String[] {"--metrics-port", "port"}).contains("'port' is not an int"));
  }

  @Test
  void theTokenComesFromAFileFirstThenTheFlagThenTheEnvironment() throws Exception {
    Path file = TokenFiles.write(dir.resolve("token"), "from-file\n");
    Path envFile = TokenFiles.write(dir.resolve("env-token"), "from-env-file");
    String[] base = {"--server", "https://s:8000", "--config", "c", "--state-dir", "d"};

    assertEquals(Optional.of("from-file"), token(base, Map.of(), "--token-file", file.toString(), "--token", "from-flag"));
    assertEquals(Optional.of("from-flag"), token(base, Map.of("MACHINESERVER_TOKEN", "from-env"), "--token", "from-flag"));
    assertEquals(Optional.of("from-env-file"), token(base,
        Map.of("MACHINESERVER_TOKEN_FILE", envFile.toString(), "MACHINESERVER_TOKEN", "from-env")));
    assertEquals(Optional.of("from-env"), token(base, Map.of("MACHINESERVER_TOKEN", "from-env")));
    assertEquals(Optional.empty(), token(base, Map.of()));
  }

  @Test
  void neverShowsTheToken() {
    Options.Action options = Options.parse(new String[] {"--server", "https://s:8000", "--config", "c", "--state-dir", "d",
        "--token", "s3cret-token"}, Map.of());

    assertFalse(options.toString().contains("s3cret-token"), options.toString());
  }

  @Test
  void refusesATokenFileItCannotUse() throws Exception {
    Path empty = TokenFiles.write(dir.resolve("empty"), " \n");
    Path missing = dir.resolve("missing");
    Path open = Files.writeString(dir.resolve("open"), "s3cret\n");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));

    assertEquals("token file " + empty + " is empty",
        refused(new String[] {"--server", "https://s", "--config", "c", "--state-dir", "d", "--token-file", empty.toString()}));
    assertEquals("token file " + missing + " does not exist",
        refused(new String[] {"--server", "https://s", "--config", "c", "--state-dir", "d"},
            Map.of("MACHINESERVER_TOKEN_FILE", missing.toString())));
    assertEquals("token file " + open + " is open to others (mode 0644); make it private to the agent's user: chmod 600 " + open,
        refused(new String[] {"--server", "https://s", "--config", "c", "--state-dir", "d", "--token-file", open.toString()}));
  }

  @Test
  void aTokenGoesOverPlainHttpOnlyToThisHostUnlessAllowed() {
    String[] lab = {"--server", "http://machines.lab:8000", "--config", "c", "--state-dir", "d", "--token", "t"};
    assertTrue(refused(lab).startsWith("refusing to send the bearer token in clear text to http://machines.lab:8000/"),
        refused(lab));
    assertTrue(refused(lab).contains("--allow-insecure-http"), refused(lab));
    assertEquals(Optional.of("t"), token(lab, Map.of(), "--allow-insecure-http"));
    assertEquals(Optional.of("t"), token(lab, Map.of("MACHINESERVER_ALLOW_INSECURE_HTTP", "true")));
    assertEquals(Optional.of("t"), token(new String[] {"--server", "http://127.0.0.1:8000", "--config", "c",
        "--state-dir", "d", "--token", "t"}, Map.of()));
  }

  @Test
  void aPrivateCaComesFromAFlagOrTheEnvironment() throws Exception {
    Path pem = TestCa.create(dir).caPem();
    String[] base = {"--server", "https://machines.lab", "--config", "c", "--state-dir", "d"};
    Options.Run flag = (Options.Run) Options.parse(concat(base, "--ca-cert", pem.toString()), Map.of());
    Options.Run env = (Options.Run) Options.parse(base, Map.of("MACHINESERVER_CA_CERT", pem.toString()));
    assertEquals("1 certificate of " + pem, flag.tls().orElseThrow().toString());
    assertEquals("1 certificate of " + pem, env.tls().orElseThrow().toString());
    assertTrue(flag.toString().contains("tls=1 certificate of " + pem), flag.toString());
    assertEquals("--ca-cert " + dir.resolve("none.pem") + " does not exist",
        refused(concat(base, "--ca-cert", dir.resolve("none.pem").toString())));
  }

  private static Optional<String> token(String[] base, Map<String, String> env, String... more) {
    return ((Options.Run) Options.parse(concat(base, more), env)).token();
  }

  private static String[] concat(String[] base, String... more) {
    String[] args = Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return args;
  }

  private static String refused(String[] args) {
    return refused(args, Map.of());
  }

  private static String refused(String[] args, Map<String, String> env) {
    return assertThrows(IllegalArgumentException.class, () -> Options.parse(args, env)).getMessage();
  }
}
