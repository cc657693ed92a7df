package io.machinestate.agent.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.agent.tools.FakeTools;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import io.machinestate.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChromeOsDeviceTest {
  static final String LSB_RELEASE = """
      CHROMEOS_RELEASE_BOARD=octopus
      CHROMEOS_RELEASE_CHROME_MILESTONE=89
      CHROMEOS_RELEASE_TRACK=stable-channel
      CHROMEOS_RELEASE_VERSION=13729.56.0
      """;

  @TempDir Path dir;
  final Event base = Event.rawState(new Event.Host("skia-e-linux-301", "v1", Instant.EPOCH));

  private Description at(String sshUserIP) {
    return Description.builder().sshUserIP(sshUserIP).build();
  }

  private FakeTools ssh(String lsbRelease) {
    FakeTools tools = new FakeTools(dir);
    return tools.script("ssh", tools.recordCall("ssh") + "\n"
        + "shift 2\n" // the -o options
        + "case \"$*\" in\n"
        + "  'root@skia-sparky360-03 cat /proc/uptime') echo '3600.5 7000.1' ;;\n"
        + "  'root@skia-sparky360-03 cat /etc/lsb-release') " + lsbRelease + " ;;\n"
        + "  *) echo 'ssh: connect to host: Connection refused' >&2; exit 255 ;;\n"
        + "esac");
  }

  @Test
  void readsADeviceAndTellsRecipesItsAddress() throws Exception {
    FakeTools tools = ssh("cat <<'EOF'\n" + LSB_RELEASE + "EOF\n");
    Path sshMachine = dir.resolve("ssh_machine.json");
    Event e = new ChromeOsDevice(tools.runner(), sshMachine, Json.newMapper()).read(base, at("root@skia-sparky360-03"));
    assertEquals(new Event.ChromeOS("stable-channel", "89", "13729.56.0", Duration.ofMillis(3600500)), e.chromeos());
    Map<?, ?> written = Json.newMapper().readValue(sshMachine.toFile(), Map.class);
    assertEquals("root@skia-sparky360-03", written.get("user_ip"));
    assertTrue(written.containsKey("Comment"));
    assertEquals("ssh -oConnectTimeout=1 -oBatchMode=yes root@skia-sparky360-03 cat /proc/uptime", tools.calls().get(0));
  }

  @Test
  void unreachableDeviceIsAbsent() {
    FakeTools tools = ssh("true");
    Path sshMachine = dir.resolve("ssh_machine.json");
    IOException e = assertThrows(IOException.class,
        () -> new ChromeOsDevice(tools.runner(), sshMachine, Json.newMapper()).read(base, at("root@skia-other")));
    assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
    assertFalse(Files.exists(sshMachine));
  }

  @Test
  void notAChromeOsDeviceIsAbsent() {
    FakeTools tools = ssh("echo 'DISTRIB_ID=Ubuntu'");
    Path sshMachine = dir.resolve("ssh_machine.json");
    IOException e = assertThrows(IOException.class, () ->
        new ChromeOsDevice(tools.runner(), sshMachine, Json.newMapper()).read(base, at("root@skia-sparky360-03")));
    assertTrue(e.getMessage().contains("no ChromeOS release"), e.getMessage());
    assertFalse(Files.exists(sshMachine));
  }

  @Test
  void withoutAnAddressNothingRuns() {
    FakeTools tools = ssh("true");
    IOException e = assertThrows(IOException.class, () ->
        new ChromeOsDevice(tools.runner(), dir.resolve("f"), Json.newMapper()).read(base, at("")));
    assertTrue(e.getMessage().contains("no SSHUserIP"), e.getMessage());
    assertEquals(List.of(), tools.calls());
  }

  @Test
  void anAddressThatWouldBeAnOptionIsRefused() {
    FakeTools tools = ssh("true");
    IOException e = assertThrows(IOException.class, () -> new ChromeOsDevice(tools.runner(), dir.resolve("f"),
        Json.newMapper()).read(base, at("-oProxyCommand=touch /tmp/pwned")));
    assertTrue(e.getMessage().contains("invalid SSHUserIP"), e.getMessage());
    assertEquals(List.of(), tools.calls());
  }

  @Test
  void rebootRunsRebootOverSsh() throws Exception {
    FakeTools tools = new FakeTools(dir);
    tools.script("ssh", tools.recordCall("ssh"));
    new ChromeOsDevice(tools.runner(), dir.resolve("f"), Json.newMapper()).reboot(at("root@skia-sparky360-03"));
    assertEquals(List.of("ssh -oConnectTimeout=1 -oBatchMode=yes root@skia-sparky360-03 reboot"), tools.calls());
  }
}
