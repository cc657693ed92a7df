package io.machinestate.agent.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Swarming's formats for a host's CPU, OS and GPUs, in every precision, from what OSHI reports.
 * Pure functions, so that every platform's format is tested on any platform.
 */
public final class HostDimensions {
  private static final Map<String, String> ISA = Map.of(
      "x86_64", "x86", "amd64", "x86", "x86", "x86", "i386", "x86", "i686", "x86",
      "aarch64", "arm64", "arm64", "arm64", "arm", "arm");
  /** As Swarming pulls "i7-9750H" out of "Intel(R) Core(TM) i7-9750H CPU @ 2.60GHz". */
  private static final List<Pattern> INTEL_MODEL = List.of(
      Pattern.compile(" ([a-zA-Z]\\d-\\d{4}[A-Z]{0,2} [vV]\\d) "),
      Pattern.compile(" ([a-zA-Z]\\d-\\d{4}[A-Z]{0,2}) "),
      Pattern.compile(" ([A-Z]\\d{4}[A-Z]{0,2}) "),
      Pattern.compile(" ((?:[A-Z][a-z]+ )+GCE)"));
  private static final Pattern LEADING_VERSION = Pattern.compile("^\\d+(\\.\\d+)*");
  /** OSHI writes PCI ids as "NVIDIA Corporation (0x10de)" or "0x1cb3"; lspci as "[10de]". */
  private static final Pattern PCI_ID = Pattern.compile("(?:0x|\\[)([0-9a-fA-F]{4})\\b");
  private static final Pattern DRIVER_VERSION = Pattern.compile("DriverVersion=([^,\\s]+)");

  private HostDimensions() {}

  /**
   * For example {@code ["x86", "x86-64", "x86-64-i7-9750H"]}; the model is left out when it
   * cannot be found in the brand string.
   *
   * @param arch the JVM's {@code os.arch}, such as amd64 or aarch64
   * @param vendor such as GenuineIntel or AuthenticAMD
   * @param brand such as "Intel(R) Core(TM) i7-9750H CPU @ 2.60GHz" or "AMD EPYC 7B12"
   */
  public static List<String> cpus(String arch, String vendor, String brand) {
    String isa = ISA.getOrDefault(arch.toLowerCase(Locale.ROOT), arch);
    String isaBits = isa + "-" + (arch.endsWith("64") ? "64" : "32");
    String model = cpuModel(vendor, brand.strip());
    return model.isEmpty() ? List.of(isa, isaBits) : List.of(isa, isaBits, isaBits + "-" + model);
  }

  private static String cpuModel(String vendor, String brand) {
    if (!vendor.equals("GenuineIntel")) {
      return brand.replace(' ', '_');
    }
    for (Pattern p : INTEL_MODEL) {
      Matcher m = p.matcher(brand);
      if (m.find()) {
        return m.group(1);
      }
    }
    return "";
  }

  /**
   * For example {@code ["Linux", "Debian", "Debian-12", "Debian-12.5"]}, {@code ["Mac", "Mac-14",
   * "Mac-14.4"]} or {@code ["Windows", "Windows-10", "Windows-10-19045"]}.
   *
   * @param osName the JVM's {@code os.name}
   * @param family OSHI's family: "Debian GNU/Linux", "Ubuntu", "macOS", "Windows"
   * @param version OSHI's version: "12", "22.04.3 LTS", "14.4.1", "10"
   * @param build OSHI's build number, used on Windows only
   */
  public static List<String> osVersions(String osName, String family, String version, String build) {
    String number = leadingVersion(version);
    if (osName.startsWith("Mac")) {
      return versionsOfAllPrecisions("Mac", number);
    }
    if (osName.startsWith("Windows")) {
      List<String> ret = new ArrayList<>(versionsOfAllPrecisions("Windows", number));
      if (!number.isEmpty() && !build.isBlank()) {
        ret.add(ret.getLast() + "-" + build.strip());
      }
      return ret;
    }
    List<String> ret = new ArrayList<>();
    ret.add(osName);
    String distribution = family.strip().split("\\s+")[0];
    if (!distribution.isEmpty() && !distribution.equalsIgnoreCase(osName)) {
      distribution = distribution.substring(0, 1).toUpperCase(Locale.ROOT) + distribution.substring(1);
      ret.addAll(versionsOfAllPrecisions(distribution, number));
    }
    return ret;
  }

  /** "Mac", "1.2.3" → {@code ["Mac", "Mac-1", "Mac-1.2", "Mac-1.2.3"]}; no version → {@code ["Mac"]}. */
  static List<String> versionsOfAllPrecisions(String prefix, String version) {
    List<String> ret = new ArrayList<>();
    ret.add(prefix);
    if (version.isEmpty()) {
      return ret;
    }
    String current = prefix + "-";
    String[] parts = version.split("\\.");
    for (int i = 0; i < parts.length; i++) {
      current += (i == 0 ? "" : ".") + parts[i];
      ret.add(current);
    }
    return ret;
  }

  /** "22.04.3 LTS" → "22.04.3"; "" when the text does not start with a number. */
  static String leadingVersion(String version) {
    Matcher m = LEADING_VERSION.matcher(version.strip());
    return m.find() ? m.group() : "";
  }

  /** One graphics card as OSHI reports it. */
  public record Gpu(String vendor, String deviceId, String versionInfo) {}

  /**
   * For each GPU: {@code "<vendor>"}, {@code "<vendor>:<device>"} and, when the driver version is
   * known, {@code "<vendor>:<device>-<driver version>"}, with PCI ids in hex, sorted; {@code
   * ["none"]} when there is none.
   */
  public static List<String> gpus(List<Gpu> gpus) {
    TreeSet<String> ret = new TreeSet<>();
    for (Gpu gpu : gpus) {
      String vendor = pciId(gpu.vendor());
      String device = pciId(gpu.deviceId());
      if (vendor.isEmpty() || device.isEmpty()) {
        continue;
      }
      ret.add(vendor);
      ret.add(vendor + ":" + device);
      Matcher driver = DRIVER_VERSION.matcher(gpu.versionInfo());
      if (driver.find()) {
        ret.add(vendor + ":" + device + "-" + driver.group(1));
      }
    }
    return ret.isEmpty() ? List.of("none") : List.copyOf(ret);
  }

  private static String pciId(String text) {
    Matcher m = PCI_ID.matcher(text);
    return m.find() ? m.group(1).toLowerCase(Locale.ROOT) : "";
  }
}
