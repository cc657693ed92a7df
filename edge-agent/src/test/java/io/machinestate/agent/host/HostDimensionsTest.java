package io.machinestate.agent.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.machinestate.agent.host.HostDimensions.Gpu;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostDimensionsTest {
  @Test
  void intelCpuNamesItsModel() {
    assertEquals(List.of("x86", "x86-64", "x86-64-i7-9750H"),
        HostDimensions.cpus("amd64", "GenuineIntel", "Intel(R) Core(TM) i7-9750H CPU @ 2.60GHz"));
    assertEquals(List.of("x86", "x86-64", "x86-64-E3-1230 v5"),
        HostDimensions.cpus("x86_64", "GenuineIntel", "Intel(R) Xeon(R) CPU E3-1230 v5 @ 3.40GHz"));
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
  void macAndWindowsVersions() {
    assertEquals(List.of("Mac", "Mac-14", "Mac-14.4"), HostDimensions.osVersions("Mac OS X", "macOS", "14.4", ""));
    assertEquals(List.of("Windows", "Windows-10", "Windows-10-19045"),
        HostDimensions.osVersions("Windows 10", "Windows", "10", "19045"));
    assertEquals(List.of("Windows", "Windows-11"), HostDimensions.osVersions("Windows 11", "Windows", "11", ""));
  }

  @Test
  void gpusInAllPrecisionsSorted() {
    List<Gpu> gpus = List.of(
        new Gpu("NVIDIA Corporation (0x10de)", "0x1cb3", "DriverVersion=31.0.15.4601"),
        new Gpu("Intel Corporation (0x8086)", "0x3e9b", "Revision: 02"));
    assertEquals(List.of("10de", "10de:1cb3", "10de:1cb3-31.0.15.4601", "8086", "8086:3e9b"), HostDimensions.gpus(gpus));
  }

  @Test
  void noGpuIsNone() {
    assertEquals(List.of("none"), HostDimensions.gpus(List.of()));
    assertEquals(List.of("none"), HostDimensions.gpus(List.of(new Gpu("unknown", "unknown", ""))));
  }
}
