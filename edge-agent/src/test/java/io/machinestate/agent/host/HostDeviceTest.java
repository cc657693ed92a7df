package io.machinestate.agent.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.agent.tools.FakeTools;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostDeviceTest {
  @TempDir Path dir;

  @Test
  void reportsHardwareReadOnceAndDockerEachTime() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    AtomicInteger reads = new AtomicInteger();
    HostDevice.Hardware hardware = new HostDevice.Hardware(8, List.of("x86", "x86-64"), List.of("none"),
        List.of("Linux", "Debian", "Debian-12"));
    FakeTools tools = new FakeTools(dir);
    HostDevice host = new HostDevice(() -> {
      reads.incrementAndGet();
      return hardware;
    }, new GceMetadata(new OkHttpClient(), "127.0.0.1:" + closedPort, Duration.ofSeconds(1)), tools.runner());
    Event base = Event.rawState(new Event.Host("skia-e-linux-101", "v1", Instant.EPOCH));

    Event first = host.read(base, Description.builder().build());
    assertEquals(new Event.Standalone(8, List.of("x86", "x86-64"), List.of("none"), List.of("Linux", "Debian", "Debian-12"),
        false, "", false), first.standalone());

    tools.script("docker", "[ \"$1\" = version ] && echo 'Server: Docker Engine'");
    Event second = host.read(base, Description.builder().build());
    assertTrue(second.standalone().dockerInstalled());

    tools.script("docker", "echo 'Cannot connect to the Docker daemon' >&2; exit 1"); // a client without a daemon
    assertFalse(host.read(base, Description.builder().build()).standalone().dockerInstalled());
    assertEquals(1, reads.get());
  }

  @Test
  void oshiReadsThisHost() {
    HostDevice.Hardware h = HostDevice.oshi(new LinuxGpuDrivers(new FakeTools(dir).runner(), dir.resolve("none")), Path.of("/"));
    assertTrue(h.cores() > 0, "cores " + h.cores());
    if (System.getProperty("os.name").equals("Linux")) {
      assertEquals("Linux", h.osVersions().get(0));
    }
    assertTrue(h.cpus().size() >= 2, "cpus " + h.cpus());
    assertFalse(h.gpus().isEmpty());
  }
}
