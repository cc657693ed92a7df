package io.machinestate.powercycle.config;

import java.time.Duration;
import java.util.Map;

/**
 * A Ubiquiti EdgeSwitch whose PoE ports power the machines, switched over SSH with a password.
 *
 * @param softReboot how to reach a machine itself for a gentle reboot before cutting its PoE
 *     power; null when that is switched off
 */
public record EdgeSwitchConfig(
    String name, SshLogin login, Duration offTime, Map<String, Integer> ports, SoftReboot softReboot)
    implements ControllerConfig {

  /**
   * How to reach the machines: the host is the machine id, the key the switch login's, and
   * {@code ~/.ssh/config} applies as it did to Go's {@code ssh}.
   *
   * @param user null for {@code ~/.ssh/config}'s {@code User}, else the local user
   */
  public record SoftReboot(String user, int port) {}
}
