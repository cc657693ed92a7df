package io.machinestate.agent.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolRunnerTest {
  @TempDir Path dir;

  @Test
  void returnsStdoutOfASuccessfulRun() throws Exception {
    FakeTools tools = new FakeTools(dir).script("greet", "echo \"hello $1\"; echo noise >&2");
    assertEquals("hello world\n", tools.runner().run("greet", "world"));
  }

  @Test
  void argumentsAreNotInterpretedByAShell() throws Exception {
    FakeTools tools = new FakeTools(dir).script("echoargs", "for a in \"$@\"; do echo \"[$a]\"; done");
    assertEquals("[a b]\n[$HOME]\n[;rm]\n", tools.runner().run("echoargs", "a b", "$HOME", ";rm"));
  }

  @Test
  void failureCarriesExitCodeAndStderr() {
    FakeTools tools = new FakeTools(dir).script("adb", "echo 'error: device offline' >&2; exit 1");
    ToolException e = assertThrows(ToolException.class, () -> tools.runner().run("adb", "get-state"));
    assertTrue(e.getMessage().contains("adb get-state: exit code 1: error: device offline"), e.getMessage());
    assertEquals("error: device offline\n", e.stderr());
  }

  @Test
  void missingToolIsAnError() {
    ToolException e = assertThrows(ToolException.class, () -> new FakeTools(dir).runner().run("no-such-tool"));
    assertTrue(e.getMessage().startsWith("no-such-tool: not found on PATH"), e.getMessage());
  }

  @Test
  void hungToolIsKilledWithItsChildren() throws Exception {
    Path pids = dir.resolve("pids");
    // The script's own child (sleep) holds the output pipe too: both must die.
    FakeTools tools = new FakeTools(dir).script("hang", "sleep 60 & echo $! > '" + pids + "'; echo $$ >> '" + pids + "'; wait");
    ToolException e = assertThrows(ToolException.class, () -> tools.runner().run("hang"));
    assertTrue(e.getMessage().contains("timed out after 1000 ms"), e.getMessage());
    for (String pid : Files.readAllLines(pids)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false)
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertFalse(ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " alive");
    }
  }

  @Test
  void outputIsBoundedAndTheToolNotBlocked() throws Exception {
    FakeTools tools = new FakeTools(dir).script("spew", "head -c 3000000 /dev/zero | tr '\\0' x; echo done >&2");
    ToolRunner runner = new ToolRunner(tools.path(), Duration.ofSeconds(5), 1000);
    String out = runner.run("spew");
    assertEquals("x".repeat(1000), out);
  }

  @Test
  void childSeesTheInjectedPath() throws Exception {
    FakeTools tools = new FakeTools(dir).script("showpath", "echo \"$PATH\"");
    assertEquals(tools.path() + "\n", tools.runner().run("showpath"));
  }

  @Test
  void findsOnlyExecutableFiles() throws Exception {
    FakeTools tools = new FakeTools(dir).script("docker", "true");
    Files.writeString(dir.resolve("notexec"), "x");
    assertTrue(tools.runner().find("docker").isPresent());
    assertFalse(tools.runner().find("notexec").isPresent());
    assertFalse(tools.runner().find("calls").isPresent());
  }

  @Test
  void onWindowsAToolIsFoundWithTheExtensionsOfPathext() throws Exception {
    FakeTools tools = new FakeTools(dir);
    tools.script("adb.EXE", "echo windows adb").script("ssh.CMD", "echo windows ssh").script("docker", "echo no extension");
    ToolRunner windows = new ToolRunner(tools.path(), Duration.ofSeconds(1), 1 << 20,
        ToolRunner.extensions("Windows Server 2019", ".COM;.EXE;.BAT;.CMD"));

    assertEquals("windows adb\n", windows.run("adb", "devices"));
    assertEquals("windows ssh\n", windows.run("ssh"));
    assertFalse(windows.find("docker").isPresent(), "Windows runs no file without an extension");
    assertFalse(tools.runner().find("adb").isPresent(), "nor POSIX one with an extension it was not asked for");
  }

  @Test
  void pathextIsReadOnWindowsOnly() {
    assertEquals(List.of(".COM", ".EXE", ".BAT", ".CMD"), ToolRunner.extensions("Windows 10", null));
    assertEquals(List.of(".EXE", ".PY"), ToolRunner.extensions("Windows 11", ".EXE; .PY;;"));
    assertEquals(List.of(), ToolRunner.extensions("Linux", ".EXE"));
    assertEquals(List.of(), ToolRunner.extensions("Mac OS X", null));
  }
}
