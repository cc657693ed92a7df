package io.machinestate.server.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

/**
 * Clears what a server that died leaves in its PostgreSQL data folder: a postmaster that outlived
 * it, backends still winding down, and the {@code postmaster.pid} lock file. PostgreSQL's own check
 * of that lock file cannot be trusted here: it asks whether the recorded PID is alive, and after a
 * crash that PID is often reused, by a thread of the new JVM for one. A process counts as this
 * folder's orphan only if its working directory is the folder (PostgreSQL's processes all chdir
 * there) while the caller holds the server lock of the data folder, so no live server owns it.
 */
final class Orphans {
  private static final Logger LOG = Logger.getLogger(Orphans.class.getName());
  private static final Path PROC = Path.of("/proc");

  private Orphans() {}

  static void clear(Path pgData) throws IOException {
    if (!Files.isDirectory(PROC.resolve("self"))) {
      throw new IOException("the embedded database needs Linux's /proc; elsewhere give --db");
    }
    Path dir = pgData.toRealPath();
    List<ProcessHandle> orphans = processesIn(dir);
    if (!orphans.isEmpty()) {
      long postmaster = postmasterPid(pgData);
      LOG.warning("stopping " + orphans.size() + " PostgreSQL process(es) left in " + dir
          + " by a server that is gone (postmaster PID " + postmaster + ")");
      // SIGTERM to the postmaster: an orderly shutdown; its backends follow it
      orphans.stream().filter(p -> p.pid() == postmaster).forEach(ProcessHandle::destroy);
      if (!awaitGone(orphans, Duration.ofSeconds(30))) {
        orphans.stream().filter(Orphans::running).forEach(ProcessHandle::destroyForcibly);
        if (!awaitGone(orphans, Duration.ofSeconds(10))) {
          throw new IOException("cannot stop the PostgreSQL processes left in " + dir);
        }
      }
    }
    Files.deleteIfExists(pgData.resolve("postmaster.pid"));
  }

  /** The processes whose working directory is {@code dir}; our own never is. */
  static List<ProcessHandle> processesIn(Path dir) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.pid() != ProcessHandle.current().pid())
        .filter(p -> dir.equals(cwd(p.pid())))
        .toList();
  }

  private static Path cwd(long pid) {
    try {
      return Files.readSymbolicLink(PROC.resolve(Long.toString(pid)).resolve("cwd"));
    } catch (IOException | SecurityException e) {
      return null; // gone meanwhile, or not ours to look at
    }
  }

  /** Alive and not a zombie: an orphan's zombie lasts until init reaps it, which some containers never do. */
  private static boolean running(ProcessHandle p) {
    if (!p.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(PROC.resolve(Long.toString(p.pid())).resolve("stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException | IndexOutOfBoundsException e) {
      return false; // gone meanwhile
    }
  }

  private static long postmasterPid(Path pgData) {
    try {
      List<String> lines = Files.readAllLines(pgData.resolve("postmaster.pid"));
      return lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  private static boolean awaitGone(List<ProcessHandle> processes, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (processes.stream().anyMatch(Orphans::running)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }
}
