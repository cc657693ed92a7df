package io.machinestate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlagsTest {
  @TempDir
  Path dir;

  @Test
  void defaults() throws Exception {
    ServerConfig c = Flags.parse(new String[0], Map.of()).config();
    assertEquals("127.0.0.1", c.host());
    assertEquals(8000, c.port());
    assertTrue(c.embeddedDatabase());
    assertEquals(Path.of("machineserver-data"), c.dataDir());
    assertEquals(Duration.ofSeconds(15), c.sseHeartbeat());
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsTheFile() throws Exception {
    Path yaml = dir.resolve("server.yaml");
    Files.writeString(yaml, """
        host: 0.0.0.0
        port: 9000
        user: bot@example.com
        pools:
          - {name: SkiaInternal, regex: "^skia-i-"}
          - {name: Skia, regex: "^skia-"}
        """);
    ServerConfig c = Flags.parse(new String[] {"--config", yaml.toString(), "--port=9100"},
        Map.of("MACHINESERVER_PORT", "9050", "MACHINESERVER_DB", "postgresql://root@db:26257/machineserver")).config();
    assertEquals("0.0.0.0", c.host());
    assertEquals(9100, c.port());
    assertEquals("bot@example.com", c.user());
    assertEquals("postgresql://root@db:26257/machineserver", c.db());
    assertEquals(List.of(new ServerConfig.Pool("SkiaInternal", "^skia-i-"), new ServerConfig.Pool("Skia", "^skia-")),
        c.pools());
  }

  @Test
  void poolsFromFlagsAndEnvironment() throws Exception {
    assertEquals(List.of(new ServerConfig.Pool("A", "^a"), new ServerConfig.Pool("B", ".*")),
        Flags.parse(new String[] {"--pool", "A=^a", "--pool", "B=.*"}, Map.of()).config().pools());
    assertEquals(List.of(new ServerConfig.Pool("A", "^a"), new ServerConfig.Pool("B", "^b-[0-9]+")),
        Flags.parse(new String[0], Map.of("MACHINESERVER_POOLS", "A=^a;B=^b-[0-9]+;")).config().pools());
  }

  @Test
  void helpAndInitDb() throws Exception {
    assertTrue(Flags.parse(new String[] {"--help"}, Map.of()).help());
    Flags.Parsed p = Flags.parse(new String[] {"init-db", "--db", "postgresql://root@h/machineserver"}, Map.of());
    assertEquals("init-db", p.command());
    assertTrue(Flags.USAGE.contains("--data-dir"));
  }

  @Test
  void badInputsAreRefusedClearly() throws Exception {
    assertEquals("unknown flag --prot (see --help)",
        assertThrows(IllegalArgumentException.class, () -> Flags.parse(new String[] {"--prot", "1"}, Map.of())).getMessage());
    assertEquals("port: \"eighty\" is not a number",
        assertThrows(IllegalArgumentException.class, () -> Flags.parse(new String[] {"--port", "eighty"}, Map.of())).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Flags.parse(new String[] {"--port", "70000"}, Map.of()));
    assertThrows(IllegalArgumentException.class, () -> Flags.parse(new String[] {"--pool", "1bad=.*"}, Map.of()));
    assertThrows(IllegalArgumentException.class, () -> Flags.parse(new String[] {"--pool", "Good=("}, Map.of()));
    assertThrows(IllegalArgumentException.class, () -> Flags.parse(new String[] {"--port"}, Map.of()));
    Path yaml = dir.resolve("bad.yaml");
    Files.writeString(yaml, "prot: 80\n");
    assertEquals(yaml + ": unknown key \"prot\"", assertThrows(IllegalArgumentException.class,
        () -> Flags.parse(new String[] {"--config", yaml.toString()}, Map.of())).getMessage());
  }
}
