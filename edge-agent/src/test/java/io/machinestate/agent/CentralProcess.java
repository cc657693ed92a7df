package io.machinestate.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real central server, on its embedded database, in a child process that a test can kill.
 * Only processes this child started are ever stopped, each by its PID.
 */
final class CentralProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("central server listening on http://127\\.0\\.0\\.1:(\\d+)");

  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  /** The child's own children (its PostgreSQL), which outlive it when it is killed. */
  private final List<ProcessHandle> children = new CopyOnWriteArrayList<>();
  private int port;

  /** Starts the server on {@code port} (0 for any) with its database in {@code dataDir}, and waits until it listens. */
  CentralProcess(int port, Path dataDir) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), io.machinestate.server.Main.class.getName(),
        "--port", Integer.toString(port), "--data-dir", dataDir.toString()));
    process = new ProcessBuilder(command).redirectErrorStream(true).start();
    Thread.ofVirtual().start(this::read);
    synchronized (this) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (this.port == 0 && System.nanoTime() < deadline && process.isAlive()) {
        wait(100);
      }
    }
    if (port() == 0) {
      close();
      throw new IllegalStateException("the central server did not start:\n" + String.join("\n", output));
    }
    process.toHandle().descendants().forEach(children::add);
  }

  synchronized int port() {
    return port;
  }

  /** SIGKILL: no shutdown hook runs, streams are cut, its PostgreSQL is left behind for the next start to clear. */
  void kill() throws InterruptedException {
    process.toHandle().destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM, then SIGKILL if need be; then whatever it started that is still alive. */
  @Override
  public void close() throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.toHandle().destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    children.forEach(ProcessHandle::destroyForcibly);
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
    } catch (IOException e) {
      // the process ended
    }
  }
}
