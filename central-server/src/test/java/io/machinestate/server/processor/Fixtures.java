package io.machinestate.server.processor;

import static java.util.Map.entry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Device command outputs captured from real devices, under src/test/resources next to these tests. */
final class Fixtures {
  static final String GETPROP = read("getprop_pixel7.txt");
  static final String DUMPSYS_BATTERY = read("dumpsys_battery.txt");
  static final String DUMPSYS_THERMALSERVICE = read("dumpsys_thermalservice.txt");
  /** A Snapdragon phone under load: cpu-1-2-usr is at 41.7 °C in the current section. */
  static final String THERMALSERVICE_SNAPDRAGON_HOT = read("thermalservice_snapdragon_hot.txt");
  /** A Tensor phone that reports current limits in milli-units and has hot virtual sensors of type -1. */
  static final String THERMALSERVICE_TENSOR_MILLIDEGREES = read("thermalservice_tensor_millidegrees.txt");
  /** A Samsung phone with TYPE_ sensor names, a space-indented cached line and a -99.9 "not measured". */
  static final String THERMALSERVICE_SAMSUNG = read("thermalservice_samsung.txt");

  /**
   * What {@link #DUMPSYS_THERMALSERVICE} holds as current temperatures. Not in it: the cached
   * section (BIG=81.5), negative values, sensors of negative type (neutral_therm, mType=-1), and
   * everything after "Current cooling devices from HAL:" (not_current=99.0).
   */
  static final Map<String, Double> THERMALSERVICE_TEMPERATURES = Map.ofEntries(
      entry("soft_ocp_gpu", 8.9),
      entry("TPU", 25.000002),
      entry("ocp_gpu", 11.9),
      entry("G3D", 26.000002),
      entry("BIG", 33.800003),
      entry("LITTLE", 27.000002),
      entry("critical-battery-cell", 0.0),
      entry("battery_cycle", 412.0),
      entry("vdroop1", 1.05),
      entry("battery", 22.1));

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
