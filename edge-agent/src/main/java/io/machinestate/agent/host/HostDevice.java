package io.machinestate.agent.host;

import io.machinestate.agent.device.Device;
import io.machinestate.agent.tools.ToolRunner;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import java.util.List;
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
   * @param hardware reads the hardware; {@link #oshi()} in production
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
    boolean docker = tools.find("docker").isPresent();
    return event.withStandalone(new Event.Standalone(
        h.cores(), h.cpus(), h.gpus(), h.osVersions(), onGce.onGce(), onGce.machineType(), docker));
  }

  private synchronized Hardware hardware() {
    if (cached == null) {
      cached = hardware.get();
    }
    return cached;
  }

  /** Reads the host's hardware through OSHI. */
  public static Hardware oshi() {
    SystemInfo system = new SystemInfo();
    HardwareAbstractionLayer hal = system.getHardware();
    CentralProcessor processor = hal.getProcessor();
    CentralProcessor.ProcessorIdentifier id = processor.getProcessorIdentifier();
    OperatingSystem os = system.getOperatingSystem();
    OperatingSystem.OSVersionInfo version = os.getVersionInfo();
    List<HostDimensions.Gpu> gpus = hal.getGraphicsCards().stream()
        .map(card -> new HostDimensions.Gpu(card.getVendor(), card.getDeviceId(), card.getVersionInfo()))
        .toList();
    return new Hardware(
        processor.getLogicalProcessorCount(),
        HostDimensions.cpus(System.getProperty("os.arch"), id.getVendor(), id.getName()),
        HostDimensions.gpus(gpus),
        HostDimensions.osVersions(System.getProperty("os.name"), os.getFamily(),
            orEmpty(version.getVersion()), orEmpty(version.getBuildNumber())));
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
