package io.machinestate.agent.tools;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs external tools (adb, ideviceinfo, ssh, ...) as child processes, each bounded in time and in
 * how much of its output is kept.
 *
 * <p>Tools are looked up on {@code path}, which is also the child's {@code PATH}: the JDK would
 * otherwise resolve the program name against this process's own {@code PATH}, and tests could not
 * put fake tools in front. On Windows a tool is a file named with one of {@code PATHEXT}'s
 * extensions ({@code adb.exe} for {@code adb}), as the Windows shell finds it.
 */
public final class ToolRunner {
  private final String path;
  private final Duration timeout;
  private final int maxOutputBytes;
  /** What is appended to a tool's name to find its file: nothing on POSIX, PATHEXT's extensions on Windows. */
  private final List<String> suffixes;

  /** A runner for this host: on Windows, tools are found with the extensions of its PATHEXT. */
  public ToolRunner(String path, Duration timeout, int maxOutputBytes) {
    this(path, timeout, maxOutputBytes, extensions(System.getProperty("os.name"), System.getenv("PATHEXT")));
  }

  /**
   * @param extensions tried in order, such as {@code .EXE}, instead of the bare name (as the Windows
   *     shell does for a name without one); none on POSIX
   */
  public ToolRunner(String path, Duration timeout, int maxOutputBytes, List<String> extensions) {
    this.path = path;
    this.timeout = timeout;
    this.maxOutputBytes = maxOutputBytes;
    this.suffixes = extensions.isEmpty() ? List.of("") : List.copyOf(extensions);
  }

  /**
   * The extensions an executable may have: on Windows those of {@code PATHEXT} (the shell's own
   * default without it), elsewhere none.
   */
  static List<String> extensions(String osName, String pathext) {
    if (!osName.startsWith("Windows")) {
      return List.of();
    }
    String list = pathext == null || pathext.isBlank() ? ".COM;.EXE;.BAT;.CMD" : pathext;
    return Stream.of(list.split(";")).map(String::strip).filter(e -> e.startsWith(".")).toList();
  }

  public Duration timeout() {
    return timeout;
  }

  /** The first executable file named {@code tool} (with an extension, on Windows) in the path's directories. */
  public Optional<Path> find(String tool) {
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      for (String suffix : suffixes) {
        Path candidate = Path.of(dir, tool + suffix);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Runs {@code tool args...} and returns its stdout when it exits with 0.
   *
   * @throws ToolException when the tool is not on the path, does not finish within the timeout
   *     (it is then killed with its children), or exits with another code
   */
  public String run(String tool, String... args) throws ToolException {
    String commandLine = tool + (args.length == 0 ? "" : " " + String.join(" ", args));
    Path executable = find(tool)
        .orElseThrow(() -> new ToolException(tool + ": not found on PATH " + path, ""));
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
    builder.environment().put("PATH", path);

    long deadline = System.nanoTime() + timeout.toNanos();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new ToolException(commandLine + ": could not start: " + e.getMessage(), e);
    }
    BoundedReader stdout = new BoundedReader(process.getInputStream(), maxOutputBytes);
    BoundedReader stderr = new BoundedReader(process.getErrorStream(), maxOutputBytes);
    try {
      if (!process.waitFor(remaining(deadline), TimeUnit.NANOSECONDS)) {
        kill(process);
        throw new ToolException(commandLine + ": timed out after " + timeout.toMillis() + " ms", stderr.text(0));
      }
      // A child the tool left running may hold the pipes open; do not wait for it past the deadline.
      String out = stdout.text(Math.max(remaining(deadline), TimeUnit.MILLISECONDS.toNanos(100)));
      String err = stderr.text(TimeUnit.MILLISECONDS.toNanos(100));
      int exit = process.exitValue();
      if (exit != 0) {
        throw new ToolException(commandLine + ": exit code " + exit + ": " + err.strip(), err);
      }
      return out;
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      throw new ToolException(commandLine + ": interrupted", e);
    }
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static File nullDevice() {
    return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  /** Keeps the first bytes of a stream and drains the rest, so the child never blocks on a full pipe. */
  private static final class BoundedReader {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final Thread thread;

    BoundedReader(InputStream in, int limit) {
      thread = Thread.ofVirtual().start(() -> {
        byte[] buffer = new byte[8192];
        try (in) {
          int n;
          while ((n = in.read(buffer)) >= 0) {
            synchronized (kept) {
              kept.write(buffer, 0, Math.min(n, Math.max(0, limit - kept.size())));
            }
          }
        } catch (IOException e) {
          // The process was killed or its pipe closed: keep what was read.
        }
      });
    }

    /** What was read, after waiting up to {@code waitNanos} for the end of the stream. */
    String text(long waitNanos) throws InterruptedException {
      thread.join(Duration.ofNanos(waitNanos));
      synchronized (kept) {
        return kept.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
