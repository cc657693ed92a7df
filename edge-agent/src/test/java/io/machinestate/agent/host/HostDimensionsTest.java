package io.machinestate.agent.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.machinestate.agent.host.HostDimensions.Gpu;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostDimensionsTest {
  @Test
  void intelCpuNamesItsModel() {
    assertEquals(List.of("x86", "x86-64", "x86-64-i7-9750H"),
        HostDimensions.cpus("amd64", "GenuineIntel", "Intel(R) Core(TM) i7-9750H CPU @ 2.60GHz"));
    assertEquals(List.of("x86", "x86-64", "x86-64-E3-1230_v5"),
        HostDimensions.cpus("x86_64", "GenuineIntel", "Intel(R) Xeon(R) CPU E3-1230 v5 @ 3.40GHz"));
    assertEquals(List.of("x86", "x86-64", "x86-64-i5-1135G7"),
        HostDimensions.cpus("amd64", "GenuineIntel", "11th Gen Intel(R) Core(TM) i5-1135G7 @ 2.40GHz"));
  }

  @Test
  void onGceTheModelIsTheCpuPlatform() {
    List<String> vm = HostDimensions.cpus("amd64", "GenuineIntel", "Intel(R) Xeon(R) CPU @ 2.30GHz");
    assertEquals(List.of("x86", "x86-64", "x86-64-Haswell_GCE"), HostDimensions.onGce(vm, "Intel Haswell"));
    assertEquals(List.of("x86", "x86-64", "x86-64-Cascade_Lake_GCE"), HostDimensions.onGce(vm, "Intel Cascade Lake"));
    List<String> amd = HostDimensions.cpus("amd64", "AuthenticAMD", "AMD EPYC 7B12");
    assertEquals(List.of("x86", "x86-64", "x86-64-AMD_Rome_GCE"), HostDimensions.onGce(amd, "AMD Rome"));
    assertEquals(amd, HostDimensions.onGce(amd, ""), "no platform: the CPU's own model");
  }

  @Test
  void intelCpuWithoutAModelStopsAtTheBitness() {
    assertEquals(List.of("x86", "x86-64"), HostDimensions.cpus("amd64", "GenuineIntel", "Intel(R) Xeon(R) CPU @ 2.00GHz"));
  }

  @Test
  void otherCpusUseTheBrandString() {
    assertEquals(List.of("x86", "x86-64", "x86-64-AMD_EPYC_7B12"), HostDimensions.cpus("amd64", "AuthenticAMD", "AMD EPYC 7B12 "));
    assertEquals(List.of("arm64", "arm64-64", "arm64-64-Apple_M1"), HostDimensions.cpus("aarch64", "Apple", "Apple M1"));
    assertEquals(List.of("x86", "x86-32"), HostDimensions.cpus("i386", "AuthenticAMD", ""));
  }

  @Test
  void linuxVersionsOfAllPrecisions() {
    assertEquals(List.of("Linux", "Debian", "Debian-12", "Debian-12.5"),
        HostDimensions.osVersions("Linux", "Debian GNU/Linux", "12.5", ""));
    assertEquals(List.of("Linux", "Ubuntu", "Ubuntu-22", "Ubuntu-22.04", "Ubuntu-22.04.3"),
        HostDimensions.osVersions("Linux", "Ubuntu", "22.04.3 LTS (Jammy Jellyfish)", ""));
    assertEquals(List.of("Linux", "Arch"), HostDimensions.osVersions("Linux", "arch", "rolling", ""));
    assertEquals(List.of("Linux"), HostDimensions.osVersions("Linux", "Linux", "", ""));
  }

  @Test
  void debianFamilyAsSwarmingReadsIt() {
    assertEquals(List.of("Linux", "Debian", "Debian-12", "Debian-12.11"), HostDimensions.linuxVersions("debian", "12.11"));
    assertEquals(List.of("Linux", "Ubuntu", "Ubuntu-22", "Ubuntu-22.04"), HostDimensions.linuxVersions("ubuntu", "22.04"));
    assertEquals(List.of("Linux", "Debian", "Debian-trixie/sid"), HostDimensions.linuxVersions("debian", "trixie/sid"));
    assertEquals(List.of("Linux", "Raspbian"), HostDimensions.linuxVersions("raspbian", ""));
    assertEquals(List.of("Linux"), HostDimensions.linuxVersions("", "12"));
  }

  @Test
  void macVersions() {
    assertEquals(List.of("Mac", "Mac-14", "Mac-14.4"), HostDimensions.osVersions("Mac OS X", "macOS", "14.4", ""));
    assertEquals(List.of("Mac", "Mac-13", "Mac-13.6", "Mac-13.6.1"), HostDimensions.osVersions("Mac OS X", "macOS", "13.6.1", ""));
  }

  @Test
  void windowsVersionsNameTheProductAndTheBuild() {
    assertEquals(List.of("Windows", "Windows-10", "Windows-10-19045"),
        HostDimensions.osVersions("Windows 10", "Windows", "10", "19045"));
    assertEquals(List.of("Windows", "Windows-11", "Windows-11-22631"),
        HostDimensions.osVersions("Windows 11", "Windows", "11", "22631.3296"));
    assertEquals(List.of("Windows", "Windows-Server", "Windows-Server-17763"),
        HostDimensions.osVersions("Windows Server 2019", "Windows", "Server 2019", "17763"));
    assertEquals(List.of("Windows", "Windows-Server", "Windows-Server-20348"),
        HostDimensions.osVersions("Windows Server 2022", "Windows", "Server 2022", "20348"));
    assertEquals(List.of("Windows", "Windows-8.1", "Windows-8.1-9600"),
        HostDimensions.osVersions("Windows 8.1", "Windows", "8.1", "9600"));
    assertEquals(List.of("Windows"), HostDimensions.osVersions("Windows 11", "Windows", "11", ""));
  }

  @Test
  void windowsGpusInAllPrecisionsSorted() {
    List<Gpu> gpus = List.of(
        new Gpu("NVIDIA Corporation (0x10de)", "0x1cb3", "DriverVersion=31.0.15.4601"),
        new Gpu("Intel Corporation (0x8086)", "0x3e9b", "Revision: 02"));
    assertEquals(List.of("10de", "10de:1cb3", "10de:1cb3-31.0.15.4601", "8086", "8086:3e9b"),
        HostDimensions.gpus("Windows 10", gpus, vendor -> "unused"));
  }

  @Test
  void linuxGpusTakeTheDriverVersionOfTheirVendor() {
    List<Gpu> gpus = List.of(new Gpu("NVIDIA Corporation [10de]", "[1cb3]", ""), new Gpu("Intel [8086]", "[3e9b]", ""));
    Map<String, String> drivers = Map.of("10de", "535.183.01");
    assertEquals(List.of("10de", "10de:1cb3", "10de:1cb3-535.183.01", "8086", "8086:3e9b"),
        HostDimensions.gpus("Linux", gpus, vendor -> drivers.getOrDefault(vendor, "")));
  }

  @Test
  void macGpusTakeTheGraphicsSwitchersVersion() {
    List<Gpu> gpus = List.of(new Gpu("Intel (0x8086)", "0x0a2e", "Revision ID: 0x0009, gMux Version: 4.0.11 [3.2.8]"));
    assertEquals(List.of("8086", "8086:0a2e", "8086:0a2e-4.0.11-3.2.8"), HostDimensions.gpus("Mac OS X", gpus, v -> "unused"));
  }

  @Test
  void vmwaresAdapterIsNoGpuOnMacAndWindows() {
    List<Gpu> gpus = List.of(new Gpu("VMware (0x15ad)", "0x0405", "DriverVersion=9.17.7.1"));
    assertEquals(List.of("none"), HostDimensions.gpus("Windows Server 2019", gpus, v -> ""));
    assertEquals(List.of("none"), HostDimensions.gpus("Mac OS X", gpus, v -> ""));
    assertEquals(List.of("15ad", "15ad:0405"), HostDimensions.gpus("Linux", gpus, v -> ""), "as lspci shows it on Linux");
  }

  @Test
  void noGpuIsNone() {
    assertEquals(List.of("none"), HostDimensions.gpus("Linux", List.of(), v -> ""));
    assertEquals(List.of("none"), HostDimensions.gpus("Linux", List.of(new Gpu("unknown", "unknown", "")), v -> ""));
  }
}
