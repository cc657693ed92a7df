package io.machinestate.agent.device;

import io.machinestate.protocol.AttachedDevice;
import io.machinestate.protocol.Description;
import java.util.List;
import java.util.Optional;

/**
 * Which device to reboot after a task, chosen as Swarming's Go agent chooses it: from what the
 * server's dimensions say is attached, not from the AttachedDevice setting, so that a device the
 * server last saw is rebooted even while the setting is being changed.
 */
public final class RebootTarget {
  private RebootTarget() {}

  /** Android when there are android_devices, else iOS when the os says so, else the SSH device, else none. */
  public static Optional<AttachedDevice> of(Description d) {
    if (!d.dimensions().getOrDefault("android_devices", List.of()).isEmpty()) {
      return Optional.of(AttachedDevice.ADB);
    }
    if (d.dimensions().getOrDefault("os", List.of()).contains("iOS")) {
      return Optional.of(AttachedDevice.IOS);
    }
    return d.sshUserIP().isEmpty() ? Optional.empty() : Optional.of(AttachedDevice.SSH);
  }
}
