package io.machinestate.powercycle.controller;

import io.machinestate.powercycle.config.EdgeSwitchConfig;
import io.machinestate.powercycle.config.SshLogin;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;

/**
 * A Ubiquiti EdgeSwitch powering machines over PoE: {@code poe opmode shutdown|auto} on the port.
 * Before cutting the power it tries a gentle {@code sudo /sbin/reboot -f} over SSH on the machine
 * itself, as the Go implementation did, since hard power cuts wear the machines.
 */
public final class EdgeSwitchController extends PortController {
  private static final System.Logger LOG = System.getLogger(EdgeSwitchController.class.getName());
  private static final Duration SOFT_REBOOT_TIMEOUT = Duration.ofSeconds(5);

  private final EdgeSwitchConfig config;
  private final SshShell shell;

  public EdgeSwitchController(EdgeSwitchConfig config, Duration sshTimeout) {
    super("edgeswitch", config);
    this.config = config;
    this.shell = new SshShell(config.login(), false, sshTimeout);
  }

  @Override
  void switchPort(int port, boolean on) throws IOException {
    String mode = on ? "auto" : "shutdown";
    SshShell.Output out = shell.run(List.of("enable", "configure", "interface 0/" + port, "poe opmode " + mode));
    // The switch's exit status says nothing; like the Go implementation, look for the echoed mode.
    if (!out.text().contains(mode)) {
      throw new IOException(name() + ": setting port " + port + " to \"" + mode + "\" failed: " + out.text().strip());
    }
  }

  @Override
  public boolean softReboot(String machine) {
    if (config.softReboot() == null) {
      return false;
    }
    SshLogin toMachine = new SshLogin(
        machine, config.softReboot().port(), config.softReboot().user(), null, config.login().identity(), null);
    SshShell machineShell = new SshShell(toMachine, false, SOFT_REBOOT_TIMEOUT);
    try {
      SshShell.Output probe = machineShell.run(List.of("time"));
      if (probe.exitStatus() != 0) {
        LOG.log(Level.INFO, "{0}: no soft reboot of {1}: a trivial command failed: {2}", name(), machine, probe.text().strip());
        return false;
      }
    } catch (IOException e) {
      LOG.log(Level.INFO, "{0}: no soft reboot of {1}: {2}", name(), machine, e.getMessage());
      return false;
    }
    try {
      machineShell.run(List.of("sudo /sbin/reboot -f"));
    } catch (IOException e) {
      // Expected: the session dies with the machine.
      LOG.log(Level.DEBUG, "{0}: reboot session of {1} ended with {2}", name(), machine, e.getMessage());
    }
    LOG.log(Level.INFO, "{0}: rebooted {1} over SSH; its PoE power stays on", name(), machine);
    return true;
  }
}
