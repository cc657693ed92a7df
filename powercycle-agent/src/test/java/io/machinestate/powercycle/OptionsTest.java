package io.machinestate.powercycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class OptionsTest {
  @Test
  void flagsWinOverTheirEnvironmentTwins() {
    Map<String, String> env = Map.of(
        "POWERCYCLE_SERVER", "http://env:8000",
        "POWERCYCLE_CONFIG", "/etc/env.json5",
        "POWERCYCLE_STATE_DIR", "/var/lib/env");

    Options fromEnv = Options.parse(new String[0], env);
    Options fromFlags = Options.parse(new String[] {"--server", "http://flag:9000", "--config=/etc/flag.json5"}, env);

    assertEquals(new Options(HttpUrl.get("http://env:8000"), Path.of("/etc/env.json5"), Path.of("/var/lib/env"), false), fromEnv);
    assertEquals(new Options(HttpUrl.get("http://flag:9000"), Path.of("/etc/flag.json5"), Path.of("/var/lib/env"), false), fromFlags);
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

  private static String refused(String[] args) {
    return assertThrows(IllegalArgumentException.class, () -> Options.parse(args, Map.of())).getMessage();
  }
}
