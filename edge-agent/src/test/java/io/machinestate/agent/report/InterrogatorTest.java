package io.machinestate.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.agent.device.Device;
import io.machinestate.protocol.AttachedDevice;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InterrogatorTest {
  @TempDir Path home;
  final Event.Host host = new Event.Host("skia-e-linux-202", "v7", Instant.parse("2026-11-24T10:00:00Z"));
  final Device present = (event, d) -> event.withPyOCD(new Event.PyOCD("nrf52840_dk"));
  final Device absent = (event, d) -> {
    throw new IOException("unplugged");
  };
  final Device broken = (event, d) -> {
    throw new IllegalStateException("bug");
  };

  private Interrogator interrogator(AttachedDevice attached, AtomicBoolean running) {
    Map<AttachedDevice, Device> devices = Map.of(AttachedDevice.PYOCD, present, AttachedDevice.ADB, absent,
        AttachedDevice.IOS, broken);
    return new Interrogator(host, devices, () -> Description.builder().attachedDevice(attached).build(), running::get, true,
        new ForcedQuarantine(home, host.name()));
  }

  @Test
  void readsTheDeviceTheDescriptionNames() {
    Event e = interrogator(AttachedDevice.PYOCD, new AtomicBoolean(true)).interrogate();
    assertEquals(Event.rawState(host).withPyOCD(new Event.PyOCD("nrf52840_dk")).withFlags(true, false, true), e);
  }

  @Test
  void anAbsentOrBrokenDeviceStillGivesAnEvent() {
    assertEquals(Event.rawState(host), interrogator(AttachedDevice.ADB, new AtomicBoolean()).interrogate().withFlags(false, false, false));
    assertEquals(Event.rawState(host), interrogator(AttachedDevice.IOS, new AtomicBoolean()).interrogate().withFlags(false, false, false));
    assertEquals(Event.rawState(host), interrogator(AttachedDevice.SSH, new AtomicBoolean()).interrogate().withFlags(false, false, false));
  }

  @Test
  void takesTheForcedQuarantineFileOnce() throws Exception {
    Path file = home.resolve("skia-e-linux-202.force_quarantine");
    Files.writeString(file, "");
    Interrogator interrogator = interrogator(AttachedDevice.PYOCD, new AtomicBoolean());
    assertTrue(interrogator.interrogate().forcedQuarantine());
    assertFalse(Files.exists(file));
    assertFalse(interrogator.interrogate().forcedQuarantine());
  }
}
