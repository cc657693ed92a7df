package io.machinestate.powercycle.testing;

import java.io.IOException;
import java.net.ServerSocket;

/** Loopback ports for servers a test stops and starts again on the same address. */
public final class Ports {
  private Ports() {}

  public static int free() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
