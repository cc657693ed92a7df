package io.machinestate.agent.description;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.protocol.AttachedDevice;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SavedDescriptionTest {
  @TempDir Path dir;

  @Test
  void savesAndLoads() throws Exception {
    SavedDescription saved = new SavedDescription(dir.resolve("state/description.json"), Json.newMapper());
    Description d = Description.builder().attachedDevice(AttachedDevice.IOS).maintenanceMode("alice 2026-11-24T10:00:00Z")
        .dimensions(Map.of("id", List.of("m1"), "os", List.of("iOS"))).build();
    saved.save(d);
    assertEquals(Optional.of(d), saved.load("m1"));
    try (var files = Files.list(dir.resolve("state"))) {
      assertEquals(List.of(dir.resolve("state/description.json")), files.toList(), "no temporary file left");
    }
  }

  @Test
  void nothingSavedIsEmpty() {
    assertTrue(new SavedDescription(dir.resolve("description.json"), Json.newMapper()).load("m1").isEmpty());
  }

  @Test
  void anUnreadableFileIsMovedAsideNotLost() throws Exception {
    Path file = dir.resolve("description.json");
    Files.writeString(file, "{\"AttachedDevice\": \"floppy\"");
    assertTrue(new SavedDescription(file, Json.newMapper()).load("m1").isEmpty());
    assertEquals("{\"AttachedDevice\": \"floppy\"", Files.readString(dir.resolve("description.json.unusable")));
  }

  @Test
  void anotherMachinesDescriptionIsIgnored() throws Exception {
    SavedDescription saved = new SavedDescription(dir.resolve("description.json"), Json.newMapper());
    saved.save(Description.builder().dimensions(Map.of("id", List.of("m2"))).build());
    assertTrue(saved.load("m1").isEmpty());
    assertTrue(Files.exists(dir.resolve("description.json.unusable")));
  }
}
