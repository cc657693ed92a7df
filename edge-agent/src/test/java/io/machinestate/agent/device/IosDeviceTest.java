package io.machinestate.agent.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.agent.tools.FakeTools;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IosDeviceTest {
  @TempDir Path dir;
  final Event base = Event.rawState(new Event.Host("skia-e-mac-101", "v1", Instant.EPOCH));
  final Description description = Description.builder().build();

  private FakeTools ideviceinfo(String productType, String productVersion, String battery) {
    FakeTools tools = new FakeTools(dir);
    return tools.script("ideviceinfo", "case \"$*\" in\n"
        + "  '-k ProductType') " + productType + " ;;\n"
        + "  '-k ProductVersion') " + productVersion + " ;;\n"
        + "  '--domain com.apple.mobile.battery -k BatteryCurrentCapacity') " + battery + " ;;\n"
        + "  *) echo \"unknown: $*\" >&2; exit 1 ;;\n"
        + "esac");
  }

  @Test
  void readsAnIphone() throws Exception {
    FakeTools tools = ideviceinfo("echo iPhone10,1", "echo 13.3.1", "echo 87");
    Event e = new IosDevice(tools.runner()).read(base, description);
    assertEquals(new Event.IOS("13.3.1", "iPhone10,1", 87), e.ios());
  }

  @Test
  void noDeviceIsAbsent() {
    FakeTools tools = ideviceinfo("echo 'ERROR: No device found!' >&2; exit 255", "exit 255", "exit 255");
    IOException e = assertThrows(IOException.class, () -> new IosDevice(tools.runner()).read(base, description));
    assertTrue(e.getMessage().contains("No device found"), e.getMessage());
  }

  @Test
  void garbageProductTypeIsAbsent() {
    FakeTools tools = ideviceinfo("echo 'Could not connect to lockdownd, error code -17'", "echo 13.3.1", "echo 87");
    IOException e = assertThrows(IOException.class, () -> new IosDevice(tools.runner()).read(base, description));
    assertTrue(e.getMessage().contains("printed no model"), e.getMessage());
  }

  @Test
  void hungToolIsAbsent() {
    FakeTools tools = ideviceinfo("exec sleep 30", "echo 13.3.1", "echo 87");
    IOException e = assertThrows(IOException.class, () -> new IosDevice(tools.runner()).read(base, description));
    assertTrue(e.getMessage().contains("timed out"), e.getMessage());
  }

  @Test
  void anUnreadableVersionMakesTheDeviceAbsent() {
    FakeTools garbage = ideviceinfo("echo iPad8,1", "echo garbage", "echo 87");
    IOException e = assertThrows(IOException.class, () -> new IosDevice(garbage.runner()).read(base, description));
    assertTrue(e.getMessage().contains("printed no version"), e.getMessage());
    FakeTools failing = ideviceinfo("echo iPad8,1", "echo 'ERROR: lockdownd' >&2; exit 1", "echo 87");
    assertThrows(IOException.class, () -> new IosDevice(failing.runner()).read(base, description));
  }

  @Test
  void anUnreadableBatteryLeavesTheDevicePresent() throws Exception {
    FakeTools tools = ideviceinfo("echo iPad8,1", "echo 16.1", "echo '##'");
    Event e = new IosDevice(tools.runner()).read(base, description);
    assertEquals(new Event.IOS("16.1", "iPad8,1", IosDevice.BATTERY_UNREADABLE), e.ios());
  }

  @Test
  void failedBatteryReadIsUnreadable() throws Exception {
    FakeTools tools = ideviceinfo("echo iPad8,1", "echo 16.1", "exit 1");
    assertEquals(IosDevice.BATTERY_UNREADABLE, new IosDevice(tools.runner()).read(base, description).ios().battery());
  }

  @Test
  void rebootRestartsTheDevice() throws Exception {
    FakeTools tools = new FakeTools(dir);
    tools.script("idevicediagnostics", tools.recordCall("idevicediagnostics"));
    new IosDevice(tools.runner()).reboot(description);
    assertEquals(List.of("idevicediagnostics restart"), tools.calls());
  }
}
