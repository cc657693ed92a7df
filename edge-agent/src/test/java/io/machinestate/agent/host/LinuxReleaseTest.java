package io.machinestate.agent.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinuxReleaseTest {
  @TempDir Path root;

  private void write(String file, String text) throws Exception {
    Files.createDirectories(root.resolve(file).getParent());
    Files.writeString(root.resolve(file), text);
  }

  @Test
  void debiansPointReleaseComesFromDebianVersion() throws Exception {
    write("etc/debian_version", "12.11\n");
    write("etc/os-release", "VERSION_ID=\"12\"\n");
    assertEquals(Optional.of(new LinuxRelease("debian", "12.11")), LinuxRelease.read(root));
  }

  @Test
  void ubuntuComesFromLsbRelease() throws Exception {
    write("etc/debian_version", "bookworm/sid\n");
    write("etc/lsb-release", "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_DESCRIPTION=\"Ubuntu 22.04.3 LTS\"\n");
    assertEquals(Optional.of(new LinuxRelease("ubuntu", "22.04")), LinuxRelease.read(root));
  }

  @Test
  void aRaspberryPiIsRaspbian() throws Exception {
    write("etc/debian_version", "11.9\n");
    write("usr/bin/raspi-config", "#!/bin/sh\n");
    assertEquals(Optional.of(new LinuxRelease("raspbian", "11.9")), LinuxRelease.read(root));
  }

  @Test
  void outsideTheDebianFamilyOshiDecides() {
    assertEquals(Optional.empty(), LinuxRelease.read(root));
  }
}
