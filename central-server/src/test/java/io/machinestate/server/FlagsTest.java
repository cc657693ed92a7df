package io.machinestate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.server.http.ConnectionLimits;
import io.machinestate.server.store.DbTimeouts;
import io.machinestate.server.tls.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlagsTest {
  private static final ServerConfig.Pool A = new ServerConfig.Pool("A", "^a");
  private static final ServerConfig.Pool B = new ServerConfig.Pool("B", "^b");
  private static final ServerConfig.Pool C = new ServerConfig.Pool("C", "^c");

  @TempDir
  Path dir;

  @Test
  void defaults() throws Exception {
    Flags.Parsed p = Flags.parse(new String[0], Map.of());
    assertFalse(p.help());
    assertEquals("", p.command());
    assertEquals(ServerConfig.defaults(), p.config());
    ServerConfig c = p.config();
    assertEquals("127.0.0.1", c.host());
    assertEquals(8000, c.port());
    assertTrue(c.embeddedDatabase());
    assertEquals(Path.of("machineserver-data"), c.dataDir());
    assertEquals(List.of(new ServerConfig.Pool("Skia", ".*")), c.pools());
    assertEquals("machines.skia.org", c.user());
    assertEquals(Duration.ofSeconds(15), c.sseHeartbeat());
    assertEquals(Duration.ofDays(90), c.historyRetention());
    assertEquals(Duration.ofDays(365), c.auditRetention());
    assertEquals(new DbTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(30)), c.dbTimeouts());
    assertFalse(c.auth().allowAnonymous());
    assertNull(c.tls());
    assertEquals(new ConnectionLimits(Duration.ofSeconds(20), Duration.ofSeconds(120), 30_000, 1_000), c.connections());
    assertEquals(1000, c.newMachinesPerHour());
  }

  @Test
  void tlsAndConnectionLimits() throws Exception {
    Path yaml = yaml("tls-cert: /certs/tls.crt\nread-timeout-seconds: 5\nmax-connections-per-address: 0\n");
    ServerConfig c = Flags.parse(new String[] {"--config", yaml.toString(), "--max-connections", "500"},
        Map.of("MACHINESERVER_TLS_KEY", "/certs/tls.key", "MACHINESERVER_IDLE_TIMEOUT_SECONDS", "60",
            "MACHINESERVER_MAX_NEW_MACHINES_PER_HOUR", "0")).config();
    assertEquals(new TlsFiles(Path.of("/certs/tls.crt"), Path.of("/certs/tls.key")), c.tls());
    assertEquals(new ConnectionLimits(Duration.ofSeconds(5), Duration.ofSeconds(60), 500, 0), c.connections());
    assertEquals(0, c.newMachinesPerHour());
    assertEquals("--tls-cert and --tls-key go together: give both or neither", refused("--tls-cert", "/c.crt"));
    assertEquals("the idle timeout (10 s) must be at least the read timeout (20 s)",
        refused("--idle-timeout-seconds", "10"));
    assertEquals("max-connections: must be positive, not 0", refused("--max-connections", "0"));
    assertEquals("max connections per address must be 0 (no limit) or more",
        refused("--max-connections-per-address", "-1"));
    assertEquals("new machines per hour must be 0 (no limit) or more", refused("--max-new-machines-per-hour=-5"));
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsTheFile() throws Exception {
    Path yaml = yaml("""
        host: 0.0.0.0
        port: 9000
        user: bot@example.com
        db: postgresql://root@file:26257/machineserver
        pools:
          - {name: SkiaInternal, regex: "^skia-i-"}
          - {name: Skia, regex: "^skia-"}
        """);
    ServerConfig c = Flags.parse(new String[] {"--config", yaml.toString(), "--port=9100"},
        Map.of("MACHINESERVER_PORT", "9050", "MACHINESERVER_DB", "postgresql://root@db:26257/machineserver")).config();
    assertEquals("0.0.0.0", c.host()); // file only
    assertEquals(9100, c.port()); // file, environment and flag
    assertEquals("bot@example.com", c.user());
    assertEquals("postgresql://root@db:26257/machineserver", c.db()); // file and environment
    assertEquals(List.of(new ServerConfig.Pool("SkiaInternal", "^skia-i-"), new ServerConfig.Pool("Skia", "^skia-")),
        c.pools());
  }

  @Test
  void aFlagGivenTwiceKeepsTheLastValue() throws Exception {
    assertEquals(9002, parse("--port", "9001", "--port=9002").port());
    assertEquals(9004, Flags.parse(new String[] {"--port", "9003", "new-token", "--port", "9004"}, Map.of()).config().port());
  }

  @Test
  void theFileCanBeNamedInTheEnvironment() throws Exception {
    Path yaml = yaml("port: 9000\n");
    assertEquals(9000, Flags.parse(new String[0], Map.of("MACHINESERVER_CONFIG", yaml.toString())).config().port());
    Path other = yaml("port: 9001\n");
    assertEquals(9001, Flags.parse(new String[] {"--config", other.toString()},
        Map.of("MACHINESERVER_CONFIG", yaml.toString())).config().port());
  }

  @Test
  void poolsFromFileEnvironmentAndFlags() throws Exception {
    Path yaml = yaml("pools: [{name: A, regex: \"^a\"}]\n");
    Map<String, String> env = Map.of("MACHINESERVER_POOLS", "B=^b;C=^c;");
    String[] file = {"--config", yaml.toString()};
    assertEquals(List.of(A), Flags.parse(file, Map.of()).config().pools());
    assertEquals(List.of(B, C), Flags.parse(file, env).config().pools());
    assertEquals(List.of(C, A), Flags.parse(new String[] {"--config", yaml.toString(), "--pool", "C=^c", "--pool=A=^a"},
        env).config().pools());
  }

  @Test
  void auditRetention() throws Exception {
    assertEquals(Duration.ofDays(30), parse("--audit-retention-days", "30").auditRetention());
    assertEquals(Duration.ofDays(31),
        Flags.parse(new String[0], Map.of("MACHINESERVER_AUDIT_RETENTION_DAYS", "31")).config().auditRetention());
    assertEquals(Duration.ofDays(32), parse("--config", yaml("audit-retention-days: 32\n").toString()).auditRetention());
  }

  @Test
  void databaseTimeouts() throws Exception {
    assertEquals(new DbTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(40), Duration.ofSeconds(60)),
        parse("--db-connect-timeout-seconds", "2", "--db-statement-timeout-seconds", "40",
            "--db-socket-timeout-seconds", "60").dbTimeouts());
    // each read on its own, whatever order the layers give them in
    Path yaml = yaml("db-socket-timeout-seconds: 12\n");
    assertEquals(new DbTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(12)),
        Flags.parse(new String[] {"--config", yaml.toString()},
            Map.of("MACHINESERVER_DB_STATEMENT_TIMEOUT_SECONDS", "10")).config().dbTimeouts());
    assertEquals(Duration.ofSeconds(7), Flags.parse(new String[0],
        Map.of("MACHINESERVER_DB_CONNECT_TIMEOUT_SECONDS", "7")).config().dbTimeouts().connect());
  }

  @Test
  void theSocketTimeoutMustOutlastTheStatementTimeout() {
    assertEquals("the socket timeout (15 s) must be longer than the statement timeout (15 s)",
        refused("--db-socket-timeout-seconds", "15"));
    assertEquals("the socket timeout (30 s) must be longer than the statement timeout (45 s)",
        refused("--db-statement-timeout-seconds", "45"));
  }

  @Test
  void allowAnonymousKeepsTheFilesCredentials() throws Exception {
    Path yaml = yaml("""
        auth:
          tokens:
            - {name: alice, role: editor, sha256: %s}
        """.formatted("a".repeat(64)));
    ServerConfig c = parse("--config", yaml.toString(), "--allow-anonymous");
    assertTrue(c.auth().allowAnonymous());
    assertEquals(1, c.auth().tokens().size());
    assertFalse(Flags.parse(new String[] {"--allow-anonymous=false"}, Map.of("MACHINESERVER_ALLOW_ANONYMOUS", "true"))
        .config().auth().allowAnonymous());
  }

  @Test
  void commands() throws Exception {
    for (String command : List.of("init-db", "new-token", "hash-token")) {
      assertEquals(command, Flags.parse(new String[] {command}, Map.of()).command());
    }
    // flags may come before or after the command
    Flags.Parsed p = Flags.parse(new String[] {"--pool", "A=^a", "init-db", "--db", "postgresql://root@h/ms",
        "--pool", "B=^b"}, Map.of());
    assertEquals("init-db", p.command());
    assertEquals("postgresql://root@h/ms", p.config().db());
    assertEquals(List.of(A, B), p.config().pools());
  }

  @Test
  void help() throws Exception {
    for (String[] args : List.of(new String[] {"--help"}, new String[] {"-h"}, new String[] {"help"},
        new String[] {"init-db", "--help"}, new String[] {"--port", "eighty", "--help"})) {
      Flags.Parsed p = Flags.parse(args, Map.of());
      assertTrue(p.help(), String.join(" ", args));
      assertNull(p.config());
    }
    String usage = Flags.usage();
    for (String flag : List.of("config", "host", "port", "db", "data-dir", "pool", "user", "sse-heartbeat-seconds",
        "history-retention-days", "audit-retention-days", "db-connect-timeout-seconds",
        "db-statement-timeout-seconds", "db-socket-timeout-seconds", "allow-anonymous")) {
      assertTrue(usage.contains("--" + flag), flag);
      String env = "MACHINESERVER_" + flag.toUpperCase().replace('-', '_') + (flag.equals("pool") ? "S" : "");
      assertTrue(usage.contains("environment " + env), env);
    }
    for (String expected : List.of("default 8000;", "default 365;", "default 5;", "default 15;", "default 30;",
        "default Skia=.*;", "init-db", "new-token", "hash-token", "YAML example:", "sslmode=disable")) {
      assertTrue(usage.contains(expected), expected);
    }
  }

  @Test
  void badInputsAreRefusedClearly() throws Exception {
    assertEquals("Unknown option: '--prot=1' (see --help)", refused("--prot=1"));
    assertEquals("Unmatched argument at index 0: 'serve' (see --help)", refused("serve"));
    assertEquals("Missing required parameter for option '--port' (N) (see --help)", refused("--port"));
    assertEquals("port: \"eighty\" is not a number", refused("--port", "eighty"));
    assertEquals("port: \"eighty\" is not a number",
        assertThrows(IllegalArgumentException.class,
            () -> Flags.parse(new String[0], Map.of("MACHINESERVER_PORT", "eighty"))).getMessage());
    assertEquals("port 70000 is out of range", refused("--port", "70000"));
    assertEquals("history-retention-days: must be positive, not 0", refused("--history-retention-days", "0"));
    assertEquals("audit-retention-days: must be positive, not -1", refused("--audit-retention-days=-1"));
    assertEquals("sse-heartbeat-seconds: must be positive, not 0", refused("--sse-heartbeat-seconds", "0"));
    assertEquals("db-connect-timeout-seconds: must be positive, not 0", refused("--db-connect-timeout-seconds", "0"));
    assertEquals("db-statement-timeout-seconds: \"1.5\" is not a number",
        refused("--db-statement-timeout-seconds", "1.5"));
    assertThrows(IllegalArgumentException.class, () -> parse("--pool", "1bad=.*"));
    assertThrows(IllegalArgumentException.class, () -> parse("--pool", "Good=("));
    assertEquals("pool \"nameless\": want NAME=REGEX", refused("--pool", "nameless"));
    Path yaml = yaml("prot: 80\n");
    assertEquals(yaml + ": unknown key \"prot\"", refused("--config", yaml.toString()));
  }

  private Path yaml(String text) throws Exception {
    return Files.writeString(Files.createTempFile(dir, "server", ".yaml"), text);
  }

  private static ServerConfig parse(String... args) throws Exception {
    return Flags.parse(args, Map.of()).config();
  }

  private static String refused(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> parse(args)).getMessage();
  }
}
