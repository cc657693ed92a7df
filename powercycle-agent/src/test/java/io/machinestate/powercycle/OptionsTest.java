package io.machinestate.powercycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptionsTest {
  @TempDir Path dir;

  @Test
  void flagsWinOverTheirEnvironmentTwins() {
    Map<String, String> env = Map.of(
        "POWERCYCLE_SERVER", "http://env:8000",
        "POWERCYCLE_CONFIG", "/etc/env.json5",
        "POWERCYCLE_STATE_DIR", "/var/lib/env");

    Options fromEnv = Options.parse(new String[0], env);
    Options fromFlags = Options.parse(new String[] {"--server", "http://flag:9000", "--config=/etc/flag.json5"}, env);

    assertEquals(new Options(HttpUrl.get("http://env:8000"), Path.of("/etc/env.json5"), Path.of("/var/lib/env"), Optional.empty(), false), fromEnv);
    assertEquals(new Options(HttpUrl.get("http://flag:9000"), Path.of("/etc/flag.json5"), Path.of("/var/lib/env"), Optional.empty(), false), fromFlags);
    assertTrue(Options.parse(new String[] {"--help"}, Map.of()).help());
  }

  @Test
  void explainsWhatIsWrong() {
    assertEquals("missing --server (or POWERCYCLE_SERVER)", refused(new String[0]));
    assertEquals("unknown argument \"--sever\"", refused(new String[] {"--sever", "x"}));
    assertEquals("--config needs a value", refused(new String[] {"--config"}));
    assertEquals("--server: \"machines:8000\" is not an http(s) URL",
        refused(new String[] {"--server", "machines:8000", "--config", "c", "--state-dir", "d"}));
  }

  @Test
  void theTokenComesFromAFileFirstThenTheFlagThenTheEnvironment() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "from-file\n");
    Path envFile = Files.writeString(dir.resolve("env-token"), "from-env-file");
    String[] base = {"--server", "http://s:8000", "--config", "c", "--state-dir", "d"};

    assertEquals(Optional.of("from-file"), token(base, Map.of(), "--token-file", file.toString(), "--token", "from-flag"));
    assertEquals(Optional.of("from-flag"), token(base, Map.of("MACHINESERVER_TOKEN", "from-env"), "--token", "from-flag"));
    assertEquals(Optional.of("from-env-file"), token(base,
        Map.of("MACHINESERVER_TOKEN_FILE", envFile.toString(), "MACHINESERVER_TOKEN", "from-env")));
    assertEquals(Optional.of("from-env"), token(base, Map.of("MACHINESERVER_TOKEN", "from-env")));
    assertEquals(Optional.empty(), token(base, Map.of()));
  }

  @Test
  void neverShowsTheToken() {
    Options options = Options.parse(new String[] {"--server", "http://s:8000", "--config", "c", "--state-dir", "d",
        "--token", "s3cret-token"}, Map.of());

    assertFalse(options.toString().contains("s3cret-token"), options.toString());
  }

  @Test
  void refusesATokenFileItCannotUse() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), " \n");
    Path missing = dir.resolve("missing");

    assertEquals("cannot use the token file: token file " + empty + " is empty",
        refused(new String[] {"--server", "http://s", "--config", "c", "--state-dir", "d", "--token-file", empty.toString()}));
    assertEquals("token file " + missing + " does not exist",
        refused(new String[] {"--server", "http://s", "--config", "c", "--state-dir", "d"},
            Map.of("MACHINESERVER_TOKEN_FILE", missing.toString())));
  }

  private static Optional<String> token(String[] base, Map<String, String> env, String... more) {
    String[] args = Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return Options.parse(args, env).token();
  }

  private static String refused(String[] args) {
    return refused(args, Map.of());
  }

  private static String refused(String[] args, Map<String, String> env) {
    return assertThrows(IllegalArgumentException.class, () -> Options.parse(args, env)).getMessage();
  }
}
