package io.machinestate.powercycle.controller;

import io.machinestate.powercycle.config.EdgeSwitchConfig;
import io.machinestate.powercycle.config.SshLogin;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A Ubiquiti EdgeSwitch powering machines over PoE: {@code poe opmode shutdown|auto} on the port.
 * A UniFi switch has the same command line one step further, behind {@code telnet 127.0.0.1}; which
 * of the two answers is found out on first contact, as the Go implementation did. Before cutting
 * the power it tries a gentle {@code sudo /sbin/reboot -f} over SSH on the machine itself, since
 * hard power cuts wear the machines.
 */
public final class EdgeSwitchController extends PortController {
  private static final System.Logger LOG = System.getLogger(EdgeSwitchController.class.getName());
  private static final Duration SOFT_REBOOT_TIMEOUT = Duration.ofSeconds(5);
  /** Run instead of the login shell on a UniFi switch, whose shell is not the switch's CLI. */
  static final String UNIFI_COMMAND = "telnet 127.0.0.1";

  private final EdgeSwitchConfig config;
  private final Path home;
  private final SshShell shell;
  /** Null for the EdgeSwitch CLI as login shell, else {@link #UNIFI_COMMAND}; valid once {@link #detected}. */
  private volatile String command;
  private volatile boolean detected;

  /** @param home the user's home, for the default keys and {@code ~/.ssh/config} */
  public EdgeSwitchController(EdgeSwitchConfig config, Path home, Duration sshTimeout) {
    super("edgeswitch", config);
    this.config = config;
    this.home = home;
    SshShell.warnIfUnchecked(name(), config.login());
    this.shell = new SshShell(config.login(), new SshShell.Setup(home, false, false, sshTimeout));
  }

  /** Asks for {@code help}, first from the login shell, then through telnet as on a UniFi switch. */
  @Override
  public String probe() throws IOException {
    SshShell.Output direct = shell.run(List.of("help"));
    if (direct.text().contains("HELP")) {
      remember(null);
      return "EdgeSwitch CLI";
    }
    SshShell.Output unifi = shell.run(UNIFI_COMMAND, List.of("help"));
    if (unifi.text().contains("HELP")) {
      remember(UNIFI_COMMAND);
      return "UniFi, CLI through " + UNIFI_COMMAND;
    }
    throw new IOException(name() + ": no switch CLI answered \"help\", neither as login shell nor through "
        + UNIFI_COMMAND + "; it printed: " + direct.text().strip() + " / " + unifi.text().strip());
  }

  private void remember(String found) {
    command = found;
    detected = true;
  }

  @Override
  void switchPort(int port, boolean on) throws IOException {
    if (!detected) {
      probe();
    }
    String mode = on ? "auto" : "shutdown";
    List<String> lines = List.of("enable", "configure", "interface 0/" + port, "poe opmode " + mode);
    SshShell.Output out = command == null ? shell.run(lines) : shell.run(command, lines);
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
    // Machines are reimaged often, so their host keys change; the login is by key, no secret is sent.
    SshLogin toMachine = new SshLogin(
        machine, config.softReboot().port(), config.softReboot().user(), null, config.login().identity(), null);
    SshShell machineShell = new SshShell(toMachine, new SshShell.Setup(home, false, true, SOFT_REBOOT_TIMEOUT));
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
