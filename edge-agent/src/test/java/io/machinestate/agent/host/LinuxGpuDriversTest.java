package io.machinestate.agent.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.machinestate.agent.tools.FakeTools;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinuxGpuDriversTest {
  @TempDir Path dir;

  @Test
  void nvidiaFromTheKernelModuleMesaFromItsPackage() throws Exception {
    FakeTools tools = new FakeTools(Files.createDirectories(dir.resolve("bin")));
    tools.script("dpkg", "[ \"$2\" = libgl1-mesa-dri ] && printf 'Package: libgl1-mesa-dri\\nStatus: install ok installed\\n"
        + "Version: 22.3.6-1+deb12u1\\n'");
    Path nvidia = Files.writeString(dir.resolve("version"), "535.183.01\n");
    LinuxGpuDrivers drivers = new LinuxGpuDrivers(tools.runner(), nvidia);

    assertEquals("535.183.01", drivers.version("10de"));
    assertEquals("22.3.6", drivers.version("8086"));
    assertEquals("22.3.6", drivers.version("1002"));
    assertEquals("", drivers.version("1a03"), "other vendors have no version");
  }

  @Test
  void unknownWithoutTheModuleOrThePackage() throws Exception {
    FakeTools tools = new FakeTools(Files.createDirectories(dir.resolve("bin")));
    tools.script("dpkg", "echo 'dpkg-query: package libgl1-mesa-dri is not installed' >&2; exit 1");
    LinuxGpuDrivers drivers = new LinuxGpuDrivers(tools.runner(), dir.resolve("absent"));
    assertEquals("", drivers.version("10de"));
    assertEquals("", drivers.version("8086"));
  }
}
