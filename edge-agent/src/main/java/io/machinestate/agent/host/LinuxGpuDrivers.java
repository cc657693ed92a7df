package io.machinestate.agent.host;

import io.machinestate.agent.tools.ToolException;
import io.machinestate.agent.tools.ToolRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Linux GPU driver's version by PCI vendor id, as Swarming adds it to the GPU dimension: the
 * NVIDIA kernel module's version, or for Intel and AMD the Mesa package's. "" when unknown.
 */
public final class LinuxGpuDrivers {
  private static final String NVIDIA = "10de";
  private static final String INTEL = "8086";
  private static final String AMD = "1002";
  /** Only the upstream version: "22.3.6" of "22.3.6-1+deb12u1". */
  private static final Pattern DPKG_VERSION = Pattern.compile("(?m)^Version: (\\d+\\.\\d+\\.\\d+)");

  private final ToolRunner tools;
  private final Path nvidiaVersion;

  /**
   * @param tools where dpkg is looked for
   * @param nvidiaVersion {@code /sys/module/nvidia/version} in production
   */
  public LinuxGpuDrivers(ToolRunner tools, Path nvidiaVersion) {
    this.tools = tools;
    this.nvidiaVersion = nvidiaVersion;
  }

  public String version(String vendorId) {
    return switch (vendorId) {
      case NVIDIA -> nvidia();
      case INTEL, AMD -> mesa();
      default -> "";
    };
  }

  private String nvidia() {
    try {
      return Files.readString(nvidiaVersion).strip();
    } catch (IOException e) {
      return "";
    }
  }

  private String mesa() {
    try {
      Matcher m = DPKG_VERSION.matcher(tools.run("dpkg", "-s", "libgl1-mesa-dri"));
      return m.find() ? m.group(1) : "";
    } catch (ToolException e) {
      return "";
    }
  }
}
