package io.machinestate.agent.host;

import io.machinestate.agent.device.Device;
import io.machinestate.agent.tools.ToolException;
import io.machinestate.agent.tools.ToolRunner;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.software.os.OperatingSystem;

/**
 * The host itself, for machines with no attached device ({@code nodevice}). Its hardware is read
 * with OSHI once, on first use: it does not change while the agent runs, and reading GPUs starts
 * {@code lspci}.
 */
public final class HostDevice implements Device {
  /** What OSHI says of the host. */
  public record Hardware(int cores, List<String> cpus, List<String> gpus, List<String> osVersions) {}

  private final Supplier<Hardware> hardware;
  private final GceMetadata gce;
  private final ToolRunner tools;
  private Hardware cached;

  /**
   * @param hardware reads the hardware; {@link #oshi} in production
   * @param tools where docker is looked for
   */
  public HostDevice(Supplier<Hardware> hardware, GceMetadata gce, ToolRunner tools) {
    this.hardware = hardware;
    this.gce = gce;
    this.tools = tools;
  }

  @Override
  public Event read(Event event, Description description) {
    Hardware h = hardware();
    GceMetadata.Answer onGce = gce.answer();
    List<String> cpus = onGce.onGce() ? HostDimensions.onGce(h.cpus(), onGce.cpuPlatform()) : h.cpus();
    return event.withStandalone(new Event.Standalone(
        h.cores(), cpus, h.gpus(), h.osVersions(), onGce.onGce(), onGce.machineType(), dockerWorks()));
  }

  /** As Swarming decides it: a docker client without a daemon it can reach does not count. */
  private boolean dockerWorks() {
    try {
      tools.run("docker", "version");
      return true;
    } catch (ToolException e) {
      return false;
    }
  }

  private synchronized Hardware hardware() {
    if (cached == null) {
      cached = hardware.get();
    }
    return cached;
  }

  /**
   * Reads the host's hardware through OSHI, and a Debian-family release as Swarming reads it.
   *
   * @param root the file system's root, where /etc/debian_version and the like are read
   */
  public static Hardware oshi(LinuxGpuDrivers drivers, Path root) {
    SystemInfo system = new SystemInfo();
    HardwareAbstractionLayer hal = system.getHardware();
    CentralProcessor processor = hal.getProcessor();
    CentralProcessor.ProcessorIdentifier id = processor.getProcessorIdentifier();
    OperatingSystem os = system.getOperatingSystem();
    OperatingSystem.OSVersionInfo version = os.getVersionInfo();
    String osName = System.getProperty("os.name");
    List<HostDimensions.Gpu> gpus = hal.getGraphicsCards().stream()
        .map(card -> new HostDimensions.Gpu(card.getVendor(), card.getDeviceId(), card.getVersionInfo()))
        .toList();
    Optional<LinuxRelease> release = osName.equals("Linux") ? LinuxRelease.read(root) : Optional.empty();
    return new Hardware(
        processor.getLogicalProcessorCount(),
        HostDimensions.cpus(System.getProperty("os.arch"), id.getVendor(), id.getName()),
        HostDimensions.gpus(osName, gpus, drivers::version),
        release.map(r -> HostDimensions.linuxVersions(r.platform(), r.version()))
            .orElseGet(() -> HostDimensions.osVersions(osName, os.getFamily(),
                orEmpty(version.getVersion()), orEmpty(version.getBuildNumber()))));
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
