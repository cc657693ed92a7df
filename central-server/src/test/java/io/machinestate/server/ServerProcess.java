package io.machinestate.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real central server in a child process, as systemd or Kubernetes runs it, for tests that
 * kill it. Only processes it started are ever stopped, each by its PID.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("central server listening on https?://127\\.0\\.0\\.1:(\\d+)");

  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  /** Its own children (its embedded PostgreSQL), which outlive it when it is killed. */
  private final List<ProcessHandle> children;
  private final Thread reader;
  private int port;

  /** Starts {@code Main} with {@code args} and waits until it listens. */
  public ServerProcess(String... args) throws InterruptedException, IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    process = new ProcessBuilder(command).redirectErrorStream(true).start();
    reader = Thread.ofVirtual().start(this::read);
    synchronized (this) {
      long deadline = System.currentTimeMillis() + 90_000;
      while (port == 0 && System.currentTimeMillis() < deadline && process.isAlive()) {
        wait(200);
      }
    }
    if (port() == 0) {
      close();
      throw new IllegalStateException("the central server did not start:\n" + log());
    }
    children = process.toHandle().descendants().toList();
  }

  public synchronized int port() {
    return port;
  }

  public Process process() {
    return process;
  }

  /** SIGKILL: no shutdown hook runs, streams are cut, its PostgreSQL is left for the next start to clear. */
  public void kill() throws InterruptedException {
    process.toHandle().destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM, as a service manager stops it; false if it did not exit in time. */
  public boolean stop(Duration timeout) throws InterruptedException {
    // Process.destroy() would also close our end of its output, losing its last words
    process.toHandle().destroy();
    boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    reader.join(10_000);
    return exited;
  }

  public String log() {
    return String.join("\n", output);
  }

  /** Stops it if it still runs, then whatever it started that is still alive. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive() && !stop(Duration.ofSeconds(30))) {
      kill();
    }
    if (children != null) {
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        output.add(line);
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          synchronized (this) {
            port = Integer.parseInt(m.group(1));
            notifyAll();
          }
        }
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }
}
