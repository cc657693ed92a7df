package io.machinestate.agent.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
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
      Pattern.compile(" ([a-zA-Z]\\d-\\d{4}[A-Z]\\d) "), // i5-1135G7
      Pattern.compile(" ([A-Z]\\d{4}[A-Z]{0,2}) "),
      Pattern.compile(" ((?:[A-Z][a-z]+ )+GCE)"));
  private static final Pattern LEADING_VERSION = Pattern.compile("^\\d+(\\.\\d+)*");
  /** OSHI writes PCI ids as "NVIDIA Corporation (0x10de)" or "0x1cb3"; lspci as "[10de]". */
  private static final Pattern PCI_ID = Pattern.compile("(?:0x|\\[)([0-9a-fA-F]{4})\\b");
  private static final Pattern DRIVER_VERSION = Pattern.compile("DriverVersion=([^,\\s]+)");
  /** OSHI's version info of a Mac GPU with a graphics switcher: "gMux Version: 4.0.11 [3.2.8]". */
  private static final Pattern GMUX_VERSION = Pattern.compile("([0-9.]+) \\[([0-9.]+)\\]");
  private static final String VMWARE = "15ad";
  private static final Pattern LEADING_NUMBER = Pattern.compile("^\\d+");

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
    return model.isEmpty() ? List.of(isa, isaBits) : List.of(isa, isaBits, isaBits + "-" + model.replace(' ', '_'));
  }

  /**
   * On GCE the model is the VM's CPU platform rather than what the VM's CPU claims to be, as
   * Swarming has it: "Intel Haswell" gives {@code x86-64-Haswell_GCE}, "AMD Rome" {@code
   * x86-64-AMD_Rome_GCE}; any other platform leaves {@code cpus} as they are.
   *
   * @param cpus as {@link #cpus} made them
   * @param cpuPlatform the metadata server's instance/cpu-platform
   */
  public static List<String> onGce(List<String> cpus, String cpuPlatform) {
    String model;
    if (cpuPlatform.startsWith("Intel ")) {
      model = intelModel("Intel(R) Xeon(R) CPU " + cpuPlatform.substring("Intel ".length()) + " GCE");
    } else if (cpuPlatform.startsWith("AMD ")) {
      model = cpuPlatform + " GCE";
    } else {
      return cpus;
    }
    List<String> ret = new ArrayList<>(cpus.subList(0, Math.min(2, cpus.size())));
    if (!model.isEmpty() && ret.size() == 2) {
      ret.add(ret.get(1) + "-" + model.replace(' ', '_'));
    }
    return List.copyOf(ret);
  }

  private static String cpuModel(String vendor, String brand) {
    return vendor.equals("GenuineIntel") ? intelModel(brand) : brand;
  }

  private static String intelModel(String brand) {
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
      return windowsVersions(version, build);
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

  /**
   * As Swarming names Windows: the product's major name, then the build, so {@code ["Windows",
   * "Windows-10", "Windows-10-19045"]} or {@code ["Windows", "Windows-Server",
   * "Windows-Server-17763"]}. Unparsable input gives {@code ["Windows"]}.
   *
   * @param version OSHI's version: "10", "11", "8.1", "Server 2019"
   * @param build OSHI's build number: "19045", or "17763.5458" with the update revision
   */
  static List<String> windowsVersions(String version, String build) {
    String major = version.strip().split("\\s+")[0];
    Matcher number = LEADING_NUMBER.matcher(build.strip());
    if (major.isEmpty() || !number.find()) {
      return List.of("Windows");
    }
    return List.of("Windows", "Windows-" + major, "Windows-" + major + "-" + number.group());
  }

  /**
   * A Linux distribution as Swarming names it: {@code ["Linux", "Debian", "Debian-12",
   * "Debian-12.11"]}; the version is used as the distribution gives it, "trixie/sid" included.
   *
   * @param platform such as "debian", "ubuntu", "raspbian"; empty when unknown
   */
  public static List<String> linuxVersions(String platform, String version) {
    List<String> ret = new ArrayList<>(List.of("Linux"));
    if (!platform.isEmpty()) {
      ret.addAll(versionsOfAllPrecisions(platform.substring(0, 1).toUpperCase(Locale.ROOT) + platform.substring(1),
          version.strip()));
    }
    return List.copyOf(ret);
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
   * ["none"]} when there is none. The driver version is the NVIDIA or Mesa version on Linux, the
   * driver's on Windows, and the graphics switcher's on a Mac ({@code "<vendor>:<device>-4.0.11-3.2.8"}).
   * On a Mac or Windows, a VMware adapter means the VM has no GPU of its own: {@code ["none"]}.
   *
   * @param osName the JVM's {@code os.name}
   * @param linuxDriverVersion a vendor id's driver version on Linux, "" when unknown
   */
  public static List<String> gpus(String osName, List<Gpu> gpus, Function<String, String> linuxDriverVersion) {
    boolean mac = osName.startsWith("Mac");
    boolean windows = osName.startsWith("Windows");
    TreeSet<String> ret = new TreeSet<>();
    for (Gpu gpu : gpus) {
      String vendor = pciId(gpu.vendor());
      String device = pciId(gpu.deviceId());
      if (vendor.isEmpty() || device.isEmpty()) {
        continue;
      }
      if ((mac || windows) && vendor.equals(VMWARE)) {
        return List.of("none");
      }
      ret.add(vendor);
      ret.add(vendor + ":" + device);
      String driver = mac ? gmuxVersion(gpu.versionInfo())
          : windows ? find(DRIVER_VERSION, gpu.versionInfo())
          : linuxDriverVersion.apply(vendor);
      if (!driver.isEmpty()) {
        ret.add(vendor + ":" + device + "-" + driver);
      }
    }
    return ret.isEmpty() ? List.of("none") : List.copyOf(ret);
  }

  private static String gmuxVersion(String versionInfo) {
    int at = versionInfo.indexOf("gMux Version:");
    if (at < 0) {
      return "";
    }
    Matcher m = GMUX_VERSION.matcher(versionInfo.substring(at));
    return m.find() ? m.group(1) + "-" + m.group(2) : "";
  }

  private static String find(Pattern p, String text) {
    Matcher m = p.matcher(text);
    return m.find() ? m.group(1) : "";
  }

  private static String pciId(String text) {
    Matcher m = PCI_ID.matcher(text);
    return m.find() ? m.group(1).toLowerCase(Locale.ROOT) : "";
  }
}
