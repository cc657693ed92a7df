package io.machinestate.agent.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PyOcdDeviceTest {
  @TempDir Path dir;
  final Event base = Event.rawState(new Event.Host("skia-i-rpi-200", "v1", Instant.EPOCH));

  private Event read(String config) throws IOException {
    Path file = dir.resolve("pyocd_config.json");
    Files.writeString(file, config);
    return new PyOcdDevice(file).read(base, Description.builder().build());
  }

  @Test
  void readsJson5() throws Exception {
    Event e = read("""
        // Written by hand in the lab.
        { device_type: 'nrf52840_dk', /* the board */ }
        """);
    assertEquals("nrf52840_dk", e.pyocd().deviceType());
  }

  @Test
  void missingFileIsAbsent() {
    IOException e = assertThrows(IOException.class,
        () -> new PyOcdDevice(dir.resolve("none.json")).read(base, Description.builder().build()));
    assertTrue(e.getMessage().contains("cannot read pyOCD config"), e.getMessage());
  }

  @Test
  void configWithoutTypeIsAbsent() {
    IOException e = assertThrows(IOException.class, () -> read("{other: 1}"));
    assertTrue(e.getMessage().contains("has no device_type"), e.getMessage());
  }

  @Test
  void garbageIsAbsent() {
    IOException e = assertThrows(IOException.class, () -> read("\u0000\u0001 not json {"));
    assertTrue(e.getMessage().contains("cannot read pyOCD config"), e.getMessage());
  }
}
