package io.machinestate.server.embedded;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * PostgreSQL as a child process of the server, its data in {@code dataDir/pgdata}. Built to be as
 * safe as a real install:
 * <ul>
 *   <li>durable: fsync and synchronous commit on, whatever postgresql.conf says;
 *   <li>private: the data folder is 0700, the only way in is TCP on 127.0.0.1 with the password
 *       generated at first start and kept 0600 in the data folder; no Unix socket;
 *   <li>restartable after any crash: a server lock keeps two servers off one folder, and what a
 *       dead server left running or locked is cleared ({@link Orphans});
 *   <li>supervised: if PostgreSQL dies it is started again; if that fails, {@link #failure()}
 *       completes so the server can exit and its own supervisor restart it.
 * </ul>
 */
public final class EmbeddedPostgres implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(EmbeddedPostgres.class.getName());
  public static final String USER = "postgres";
  static final String PASSWORD_FILE = "postgres-password";
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(5); // crash recovery replays WAL first
  private static final int RESTART_ATTEMPTS = 4;
  private static final String HBA = """
      # Written by the central server at every start: password logins over loopback TCP, nothing else.
      host all all 127.0.0.1/32 scram-sha-256
      """;

  private final Path dataDir;
  private final Path pgData;
  private final Path bin;
  private final String password;
  private final int port;
  private final FileChannel lockFile;
  private final FileLock serverLock;
  private final AtomicLong restarts = new AtomicLong();
  private final CompletableFuture<Void> failure = new CompletableFuture<>();
  private Process process;
  private boolean closed;

  private EmbeddedPostgres(Path dataDir, Path binaries, int port, FileChannel lockFile, FileLock serverLock)
      throws IOException {
    this.dataDir = dataDir;
    this.pgData = dataDir.resolve("pgdata");
    this.bin = binaries.resolve("bin");
    this.port = port;
    this.lockFile = lockFile;
    this.serverLock = serverLock;
    this.password = prepareCluster();
    Files.writeString(pgData.resolve("pg_hba.conf"), HBA);
  }

  /**
   * Starts PostgreSQL on the data in {@code dataDir}, creating it on first use.
   *
   * @param port the loopback port to listen on; 0 picks a free one
   */
  public static EmbeddedPostgres start(Path dataDir, int port) throws IOException {
    Path dir = dataDir.toAbsolutePath();
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    FileChannel lockFile = FileChannel.open(dir.resolve("server.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockFile.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by this very JVM
    }
    if (lock == null) {
      lockFile.close();
      throw new IOException("another central server is using " + dir);
    }
    try {
      EmbeddedPostgres pg = new EmbeddedPostgres(dir, binaries(dir), port == 0 ? freePort() : port, lockFile, lock);
      synchronized (pg) {
        pg.launch();
      }
      return pg;
    } catch (IOException | RuntimeException e) {
      lock.release();
      lockFile.close();
      throw e;
    }
  }

  public int port() {
    return port;
  }

  public String password() {
    return password;
  }

  /** The postmaster's PID; tests stop, freeze and kill it. */
  public synchronized long pid() {
    return process.pid();
  }

  /** How often PostgreSQL died under the server and was started again. */
  public long restarts() {
    return restarts.get();
  }

  /** Completes when PostgreSQL died and could not be started again. */
  public CompletableFuture<Void> failure() {
    return failure;
  }

  /** Stops PostgreSQL in order: sessions still open are ended, and a checkpoint spares the next start a recovery. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      // SIGINT is PostgreSQL's fast shutdown; Process.destroy's SIGTERM would wait for every client to leave
      if (process.isAlive()) {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
      }
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        LOG.warning("embedded PostgreSQL did not stop within 30 s; killing it (its commits are safe)");
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      LOG.warning("cannot signal embedded PostgreSQL: " + e.getMessage());
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        serverLock.release();
        lockFile.close();
      } catch (IOException e) {
        LOG.warning("cannot release the lock of " + dataDir + ": " + e.getMessage());
      }
    }
  }

  /** Initializes the cluster on first use; returns the password that logs in to it. */
  private String prepareCluster() throws IOException {
    Path passwordFile = dataDir.resolve(PASSWORD_FILE);
    if (Files.exists(pgData.resolve("PG_VERSION"))) {
      if (Files.exists(passwordFile)) {
        return Files.readString(passwordFile).strip();
      }
      return protectLegacyCluster(passwordFile);
    }
    // initdb into a temporary folder, renamed when complete: a crash half-way leaves no cluster
    Path partial = dataDir.resolve("pgdata.initdb");
    PostgresBinaries.deleteTree(partial);
    Files.deleteIfExists(pgData); // an empty folder left by an older server; one with files is refused
    String secret = newPassword();
    Path pending = writePrivate(dataDir.resolve(PASSWORD_FILE + ".initdb"), secret);
    run(List.of(bin.resolve("initdb").toString(), "-D", partial.toString(), "-U", USER, "-E", "UTF8",
        "--locale=C", "--auth=scram-sha-256", "--pwfile=" + pending), null);
    Files.move(partial, pgData, StandardCopyOption.ATOMIC_MOVE);
    Files.move(pending, passwordFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    LOG.info("embedded PostgreSQL cluster created in " + pgData);
    return secret;
  }

  /**
   * A cluster made by an older server trusted every local login. Give its superuser a password in
   * single-user mode, which listens on nothing, before PostgreSQL is started with password logins.
   */
  private String protectLegacyCluster(Path passwordFile) throws IOException {
    LOG.warning("the embedded database in " + pgData + " accepts logins without a password; setting one");
    Orphans.clear(pgData);
    String secret = newPassword();
    Path pending = writePrivate(dataDir.resolve(PASSWORD_FILE + ".new"), secret);
    run(List.of(bin.resolve("postgres").toString(), "--single", "-D", pgData.toString(), "postgres"),
        "ALTER ROLE " + USER + " PASSWORD '" + secret + "'\n");
    Files.move(pending, passwordFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return secret;
  }

  /** Clears what a dead server left, starts the postmaster and waits until it takes logins. */
  private void launch() throws IOException {
    Orphans.clear(pgData);
    Path log = dataDir.resolve("postgres.log");
    long logStart = Files.exists(log) ? Files.size(log) : 0;
    List<String> command = new ArrayList<>(asNonRoot(List.of(bin.resolve("postgres").toString(),
        "-D", pgData.toString(), "-p", Integer.toString(port))));
    for (String setting : List.of("listen_addresses=127.0.0.1", "unix_socket_directories=", "fsync=on",
        "synchronous_commit=on", "full_page_writes=on", "password_encryption=scram-sha-256",
        "timezone=UTC", "max_connections=50")) {
      command.add("-c");
      command.add(setting);
    }
    process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    awaitReady(log, logStart);
    Process started = process;
    // a thread of its own: a restart waits and retries, which must not tie up the common pool
    started.onExit().thenRunAsync(() -> exited(started),
        r -> Thread.ofPlatform().name("embedded-postgres-supervisor").daemon().start(r));
    LOG.info("embedded PostgreSQL (PID " + started.pid() + ") ready on 127.0.0.1:" + port + ", data in " + pgData);
  }

  private void awaitReady(Path log, long logStart) throws IOException {
    Properties login = new Properties();
    login.setProperty("user", USER);
    login.setProperty("password", password);
    login.setProperty("connectTimeout", "2");
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IOException("embedded PostgreSQL exited with code " + process.exitValue() + ":\n" + tail(log, logStart));
      }
      try (Connection c = DriverManager.getConnection(url, login)) {
        return;
      } catch (SQLException e) {
        if (System.nanoTime() > deadline) {
          process.destroyForcibly();
          throw new IOException("embedded PostgreSQL not ready after " + READY_TIMEOUT.toMinutes() + " min: "
              + e.getMessage() + "\n" + tail(log, logStart));
        }
      }
      sleep(Duration.ofMillis(100));
    }
  }

  /** PostgreSQL died under us: start it again, or give up so the server exits. */
  private void exited(Process dead) {
    if (!restartAfter(dead)) {
      failure.complete(null); // outside the lock: what it triggers may close this
    }
  }

  /** False when PostgreSQL could not be started again. */
  private synchronized boolean restartAfter(Process dead) {
    if (closed || dead != process) {
      return true;
    }
    LOG.severe("embedded PostgreSQL (PID " + dead.pid() + ") exited with code " + dead.exitValue() + "; restarting it");
    Duration backoff = Duration.ofSeconds(1);
    for (int attempt = 1; attempt <= RESTART_ATTEMPTS; attempt++) {
      try {
        launch();
        restarts.incrementAndGet();
        return true;
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "restart " + attempt + " of " + RESTART_ATTEMPTS + " failed: " + e.getMessage());
        if (attempt < RESTART_ATTEMPTS) {
          sleep(backoff);
          backoff = backoff.multipliedBy(2);
        }
      }
    }
    return false;
  }

  /** Runs an initdb-like tool to completion, feeding it {@code input}. */
  private void run(List<String> command, String input) throws IOException {
    Process p = new ProcessBuilder(asNonRoot(command)).redirectErrorStream(true).start();
    if (input != null) {
      p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) {
        throw new IOException(Path.of(command.get(0)).getFileName() + " failed:\n" + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /**
   * PostgreSQL refuses to run as root. Then run it in a user namespace of its own, where it is an
   * unprivileged user while its files stay those of this server's account.
   */
  private static List<String> asNonRoot(List<String> command) throws IOException {
    if (((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() != 0) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(List.of("unshare", "--user"));
    wrapped.addAll(command);
    return wrapped;
  }

  private static Path binaries(Path dataDir) throws IOException {
    try {
      return PostgresBinaries.unpack(PostgresBinaries.defaultCache());
    } catch (IOException e) {
      LOG.info("cannot use the binary cache (" + e.getMessage() + "); unpacking into " + dataDir);
      return PostgresBinaries.unpack(dataDir.resolve("binaries"));
    }
  }

  private static Path writePrivate(Path file, String content) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, content + "\n");
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
      c.force(true);
    }
    return file;
  }

  private static String newPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String tail(Path log, long from) {
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long start = Math.max(from, f.length() - 4096);
      f.seek(start);
      byte[] bytes = new byte[(int) (f.length() - start)];
      f.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException("interrupted"));
    }
  }
}
