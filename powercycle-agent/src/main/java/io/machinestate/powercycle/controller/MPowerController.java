package io.machinestate.powercycle.controller;

import io.machinestate.powercycle.config.MPowerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A Ubiquiti mPower strip: {@code echo 0|1 > /proc/power/relay<port>} in its shell. */
public final class MPowerController extends PortController {
  private final SshShell shell;

  /** @param home the user's home, for the default keys in {@code ~/.ssh} */
  public MPowerController(MPowerConfig config, Path home, Duration sshTimeout) {
    super("mpower", config);
    SshShell.warnIfUnchecked(name(), config.login());
    this.shell = new SshShell(config.login(), new SshShell.Setup(home, true, false, sshTimeout));
  }

  /** Reads the first outlet's power draw, as Go's smoke test did. */
  @Override
  public String probe() throws IOException {
    SshShell.Output out = shell.run(List.of("cat /proc/power/active_pwr1"));
    if (out.exitStatus() != 0) {
      throw new IOException(name() + ": reading /proc/power/active_pwr1 failed with exit status " + out.exitStatus()
          + ": " + out.text().strip());
    }
    return "mPower shell";
  }

  @Override
  void switchPort(int port, boolean on) throws IOException {
    SshShell.Output out = shell.run(List.of("echo " + (on ? 1 : 0) + " > /proc/power/relay" + port));
    if (out.exitStatus() != 0) {
      throw new IOException(name() + ": switching relay " + port + (on ? " on" : " off")
          + " failed with exit status " + out.exitStatus() + ": " + out.text().strip());
    }
  }
}
