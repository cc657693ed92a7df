package io.machinestate.agent.description;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.machinestate.protocol.AttachedDevice;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Json;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DescriptionHolderTest {
  @TempDir Path dir;

  @Test
  void startsFromTheSavedDescriptionAndSavesEachNewOne() throws Exception {
    SavedDescription saved = new SavedDescription(dir.resolve("description.json"), Json.newMapper());
    Description before = Description.builder().attachedDevice(AttachedDevice.ADB).build();
    saved.save(before);
    DescriptionHolder holder = new DescriptionHolder("m1", saved, () -> {});
    assertEquals(before, holder.get());

    Description next = before.toBuilder().maintenanceMode("bob 2026-11-24T10:00:00Z").build();
    holder.update(next);
    assertEquals(next, holder.get());
    assertEquals(Optional.of(next), saved.load("m1"));
  }

  @Test
  void aNewDeviceTriggersAnInterrogation() {
    AtomicInteger triggers = new AtomicInteger();
    DescriptionHolder holder = new DescriptionHolder("m1",
        new SavedDescription(dir.resolve("description.json"), Json.newMapper()), triggers::incrementAndGet);
    assertEquals(AttachedDevice.NODEVICE, holder.get().attachedDevice());

    holder.update(Description.builder().maintenanceMode("x").build());
    assertEquals(0, triggers.get());
    holder.update(Description.builder().maintenanceMode("x").attachedDevice(AttachedDevice.SSH).build());
    assertEquals(1, triggers.get());
    holder.update(Description.builder().maintenanceMode("x").attachedDevice(AttachedDevice.SSH).build());
    assertEquals(1, triggers.get());
    holder.update(Description.builder().attachedDevice(AttachedDevice.SSH).sshUserIP("root@skia-cr-1").build());
    assertEquals(2, triggers.get());
  }
}
