package io.machinestate.agent.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sh launcher of the package, run as an operator runs it, beside a jar whose main class prints
 * what its JVM was given instead of being the agent.
 */
class LauncherTest {
  private static final String JVM_OPTIONS = "jvm -XX:+UseSerialGC -Xms8m -Xmx48m -Xmn512k -Xss256k -Xint -XX:MaxMetaspaceSize=48m"
      + " -XX:MaxDirectMemorySize=8m -XX:-UsePerfData -XX:+ExitOnOutOfMemoryError -XX:TrimNativeHeapInterval=60000";

  @TempDir Path dir;
  /** EDGE_AGENT_CDS_DIR for the launcher; a space in it, too. */
  private String cdsDirEnv;

  private Path cdsDir() {
    return dir.resolve("cache dir/edge-agent");
  }

  /** The one class archive in the CDS directory. */
  private Path archive() throws IOException {
    try (var files = Files.list(cdsDir())) {
      List<Path> archives = files.toList();
      assertEquals(1, archives.size(), archives.toString());
      assertTrue(archives.get(0).getFileName().toString().matches("edge-agent-[0-9]+\\.jsa"), archives.toString());
      return archives.get(0);
    }
  }

  /** The stand-in for the agent: prints its JVM flags, its arguments and MALLOC_ARENA_MAX, one a line. */
  public static final class PrintJvm {
    public static void main(String[] args) {
      System.out.println("jvm " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
      System.out.println("args " + String.join(" ", args));
      System.out.println("MALLOC_ARENA_MAX " + System.getenv("MALLOC_ARENA_MAX"));
    }
  }

  @Test
  void runsTheJarBesideItWithTheFlagsOfJvmOptions() throws Exception {
    List<String> out = launch("", "--server", "http://s", "--machine-id", "skia-e-linux-1");
    assertEquals(JVM_OPTIONS + " -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=" + archive()
        + " -Xlog:cds=off -Xlog:cds+dynamic=off", out.get(0));
    assertEquals("args --server http://s --machine-id skia-e-linux-1", out.get(1));
    assertEquals("MALLOC_ARENA_MAX 2", out.get(2));
  }

  @Test
  void extraJvmFlagsComeAfterAndWin() throws Exception {
    List<String> out = launch("-Xmx64m -Dx=y", "--help");
    assertEquals(JVM_OPTIONS + " -Xmx64m -Dx=y", out.get(0), "--help runs without the class archive");
    assertEquals("args --help", out.get(1));
  }

  /** The JVM writes the archive as it exits; one of another jar or Java, or not an archive, is removed. */
  @Test
  void theClassArchiveIsMadeAtExitAndOthersAreRemoved() throws Exception {
    Files.createDirectories(cdsDir());
    Path otherJar = Files.writeString(cdsDir().resolve("edge-agent-1.jsa"), "an older jar's");
    launch("", "--server", "http://s");
    Path archive = archive();
    assertTrue(Files.size(archive) > 0, "the JVM archived the classes it loaded");
    assertTrue(Files.notExists(otherJar));
    Files.writeString(archive, "cut short");
    List<String> out = launch("", "--server", "http://s");
    assertTrue(out.get(0).contains("-XX:SharedArchiveFile=" + archive), out.get(0));
    assertTrue(Files.size(archive) > "cut short".length(), "made anew");
  }

  @Test
  void anEmptyCdsDirTurnsTheArchiveOff() throws Exception {
    cdsDirEnv = "";
    assertEquals(JVM_OPTIONS, launch("", "--server", "http://s").get(0));
  }

  @Test
  void tooOldAJavaIsNamed() throws Exception {
    Path oldJava = Files.createDirectories(dir.resolve("jdk17/bin")).resolve("java");
    Files.writeString(oldJava, "#!/bin/sh\necho 'openjdk version \"17.0.15\" 2025-04-15' >&2\n");
    oldJava.toFile().setExecutable(true);
    Process p = launcher(dir.resolve("jdk17"), "", "--help");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue(), out);
    assertTrue(out.startsWith("edge-agent needs Java 21 or newer; " + oldJava + " is Java 17: set JAVA_HOME"), out);
  }

  private List<String> launch(String javaOpts, String... args) throws Exception {
    Process p = launcher(Path.of(System.getProperty("java.home")), javaOpts, args);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out.lines().toList();
  }

  private Process launcher(Path javaHome, String javaOpts, String... args) throws Exception {
    Path installed = Files.createDirectories(dir.resolve("opt dir/edge-agent")); // a space in the path, too
    for (String file : List.of("edge-agent", "jvm.options")) {
      Files.copy(Path.of("launcher", file), installed.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    if (Files.notExists(installed.resolve("edge-agent.jar"))) {
      jar(installed.resolve("edge-agent.jar")); // once: the class archive is named after the jar's bytes
    }
    List<String> command = new ArrayList<>(List.of("sh", installed.resolve("edge-agent").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("JAVA_HOME", javaHome.toString());
    builder.environment().put("EDGE_AGENT_JAVA_OPTS", javaOpts);
    builder.environment().remove("MALLOC_ARENA_MAX");
    builder.environment().put("EDGE_AGENT_CDS_DIR", cdsDirEnv == null ? cdsDir().toString() : cdsDirEnv);
    return builder.redirectErrorStream(true).start();
  }

  /** A jar of {@link PrintJvm} alone, named as the agent's. */
  private static void jar(Path file) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, PrintJvm.class.getName());
    String entry = PrintJvm.class.getName().replace('.', '/') + ".class";
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(file), manifest)) {
      jar.putNextEntry(new JarEntry(entry));
      try (var in = PrintJvm.class.getClassLoader().getResourceAsStream(entry)) {
        in.transferTo(jar);
      }
      jar.closeEntry();
    }
  }
}
