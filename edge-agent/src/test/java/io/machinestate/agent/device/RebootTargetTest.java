package io.machinestate.agent.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.machinestate.protocol.AttachedDevice;
import io.machinestate.protocol.Description;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RebootTargetTest {
  @Test
  void chosenByTheDimensionsThenTheSshAddressNotByTheSetting() {
    assertEquals(Optional.of(AttachedDevice.ADB), RebootTarget.of(Description.builder().attachedDevice(AttachedDevice.NODEVICE)
        .dimensions(Map.of("android_devices", List.of("1"), "os", List.of("Android"))).sshUserIP("root@10.0.0.2").build()));
    assertEquals(Optional.of(AttachedDevice.IOS), RebootTarget.of(Description.builder().attachedDevice(AttachedDevice.ADB)
        .dimensions(Map.of("os", List.of("iOS", "iOS-16.1"))).build()));
    assertEquals(Optional.of(AttachedDevice.SSH), RebootTarget.of(Description.builder().attachedDevice(AttachedDevice.IOS)
        .sshUserIP("root@10.0.0.2").build()));
  }

  @Test
  void nothingAttachedMeansNoReboot() {
    assertEquals(Optional.empty(), RebootTarget.of(Description.builder().attachedDevice(AttachedDevice.ADB)
        .dimensions(Map.of("android_devices", List.of(), "os", List.of("Linux"))).build()));
  }
}
