package io.machinestate.agent.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.agent.tools.FakeTools;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AndroidDeviceTest {
  static final String GETPROP = """
      [ro.build.id]: [QQ3A.200805.001]
      [ro.build.type]: [user]
      [ro.build.version.incremental]: [6578210]
      [ro.product.brand]: [google]
      [ro.product.device]: [sargo]
      [ro.product.name]: [sargo]
      """;
  static final String BATTERY = """
      Current Battery Service state:
        AC powered: false
        USB powered: true
        status: 5
        level: 94
        scale: 100
        temperature: 251
      """;
  static final String THERMAL = """
      IsStatusOverride: false
      Current temperatures from HAL:
      \tTemperature{mValue=28.8, mType=2, mName=battery, mStatus=0}
      \tTemperature{mValue=34.1, mType=0, mName=cpu0, mStatus=0}
      Current cooling devices from HAL:
      """;

  @TempDir Path dir;
  FakeTools tools;
  final Event base = Event.rawState(new Event.Host("skia-rpi2-rack4-shelf1-002", "v1", Instant.EPOCH));
  final Description description = Description.builder().build();

  @BeforeEach
  void fakeAdb() {
    tools = new FakeTools(dir);
  }

  /** An adb whose get-state answers {@code getState} (a shell snippet), the rest a healthy phone. */
  private void adb(String getState) {
    tools.script("adb", tools.recordCall("adb") + "\n"
        + "case \"$*\" in\n"
        + "  get-state) " + getState + " ;;\n"
        + "  'reconnect offline') touch '" + dir.resolve("reconnected") + "' ;;\n"
        + "  'shell cat /proc/uptime') echo '12345.67 24680.12' ;;\n"
        + "  'shell getprop') cat <<'EOF'\n" + GETPROP + "EOF\n;;\n"
        + "  'shell dumpsys battery') cat <<'EOF'\n" + BATTERY + "EOF\n;;\n"
        + "  'shell dumpsys thermalservice') cat <<'EOF'\n" + THERMAL + "EOF\n;;\n"
        + "  *) echo \"unknown: $*\" >&2; exit 1 ;;\n"
        + "esac");
  }

  @Test
  void readsAHealthyPhone() throws Exception {
    adb("echo device");
    Event e = new AndroidDevice(tools.runner()).read(base, description);
    assertEquals(Duration.ofMillis(12345670), e.android().uptime());
    assertEquals(GETPROP, e.android().getprop());
    assertEquals(BATTERY, e.android().dumpsysBattery());
    assertEquals(THERMAL, e.android().dumpsysThermalService());
    assertTrue(e.android().populated());
  }

  @Test
  void reconnectsAnOfflinePhone() throws Exception {
    Path reconnected = dir.resolve("reconnected");
    adb("if [ -e '" + reconnected + "' ]; then echo device; else echo 'error: device offline' >&2; exit 1; fi");
    Event e = new AndroidDevice(tools.runner()).read(base, description);
    assertTrue(e.android().populated());
    assertEquals(List.of("adb get-state", "adb reconnect offline", "adb get-state"), tools.calls().subList(0, 3));
  }

  @Test
  void noDeviceIsAbsentWithoutReconnecting() {
    adb("echo 'error: no devices/emulators found' >&2; exit 1");
    IOException e = assertThrows(IOException.class, () -> new AndroidDevice(tools.runner()).read(base, description));
    assertTrue(e.getMessage().contains("no devices/emulators found"), e.getMessage());
    assertEquals(List.of("adb get-state"), tools.calls());
  }

  @Test
  void hungAdbIsAbsent() {
    adb("exec sleep 30");
    IOException e = assertThrows(IOException.class, () -> new AndroidDevice(tools.runner()).read(base, description));
    assertTrue(e.getMessage().contains("timed out"), e.getMessage());
  }

  @Test
  void missingAdbIsAbsent() {
    IOException e = assertThrows(IOException.class, () -> new AndroidDevice(tools.runner()).read(base, description));
    assertTrue(e.getMessage().contains("not found"), e.getMessage());
  }

  @Test
  void garbageUptimeIsAbsent() {
    tools.script("adb", "case \"$*\" in get-state) echo device ;; *) echo '\u00ff\u00fe garbage' ;; esac");
    IOException e = assertThrows(IOException.class, () -> new AndroidDevice(tools.runner()).read(base, description));
    assertTrue(e.getMessage().startsWith("not a /proc/uptime"), e.getMessage());
  }

  @Test
  void garbageGetpropIsAbsent() {
    tools.script("adb", "case \"$*\" in get-state) echo device ;; 'shell cat /proc/uptime') echo '5.0 1.0' ;;"
        + " *) echo 'sh: getprop: not found' ;; esac");
    IOException e = assertThrows(IOException.class, () -> new AndroidDevice(tools.runner()).read(base, description));
    assertTrue(e.getMessage().contains("getprop printed no properties"), e.getMessage());
  }

  @Test
  void failingDumpsysStillCountsAsPresent() throws Exception {
    tools.script("adb", "case \"$*\" in get-state) echo device ;; 'shell cat /proc/uptime') echo '5.0 1.0' ;;"
        + " 'shell getprop') echo '[ro.build.id]: [X]' ;; *) exit 1 ;; esac");
    Event e = new AndroidDevice(tools.runner()).read(base, description);
    assertEquals("", e.android().dumpsysBattery());
    assertEquals(Duration.ofSeconds(5), e.android().uptime());
  }

  @Test
  void rebootReconnectsAndRetriesOnFailure() throws Exception {
    Path failedOnce = dir.resolve("failed-once");
    tools.script("adb", tools.recordCall("adb") + "\n"
        + "if [ \"$1\" = reboot ] && [ ! -e '" + failedOnce + "' ]; then touch '" + failedOnce + "'; echo 'error: device offline' >&2; exit 1; fi");
    new AndroidDevice(tools.runner()).reboot(description);
    assertEquals(List.of("adb reboot", "adb reconnect offline", "adb reboot"), tools.calls());
  }
}
