package io.machinestate.server.processor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Device command outputs captured from real devices, under src/test/resources next to these tests. */
final class Fixtures {
  static final String GETPROP = read("getprop_pixel7.txt");
  static final String DUMPSYS_BATTERY = read("dumpsys_battery.txt");
  static final String DUMPSYS_THERMALSERVICE = read("dumpsys_thermalservice.txt");

  private Fixtures() {}

  private static String read(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
