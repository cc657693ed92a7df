package io.machinestate.powercycle.controller;

import io.machinestate.powercycle.config.MPowerConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** A Ubiquiti mPower strip: {@code echo 0|1 > /proc/power/relay<port>} in its shell. */
public final class MPowerController extends PortController {
  private final SshShell shell;

  public MPowerController(MPowerConfig config, Duration sshTimeout) {
    super("mpower", config);
    this.shell = new SshShell(config.login(), true, sshTimeout);
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
