package io.machinestate.powercycle.controller;

import com.pi4j.context.Context;
import io.machinestate.powercycle.config.ControllerConfig;
import io.machinestate.powercycle.config.EdgeSwitchConfig;
import io.machinestate.powercycle.config.GpioConfig;
import io.machinestate.powercycle.config.MPowerConfig;
import io.machinestate.powercycle.config.PowerCycleConfig;
import io.machinestate.powercycle.config.SynaccessConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import okhttp3.OkHttpClient;

/** Builds the controllers of a configuration. */
public final class Controllers {
  private Controllers() {}

  /**
   * @param gpioContext the Pi4J context for a GPIO chip name
   * @param gpioProvider the Pi4J digital output provider id
   * @param http for the HTTP power strips
   * @param home the user's home, for the SSH keys and configuration in {@code ~/.ssh}
   * @param sshTimeout to connect to an SSH device, and again for one conversation
   */
  public static List<Controller> create(
      PowerCycleConfig config,
      Function<String, Context> gpioContext,
      String gpioProvider,
      OkHttpClient http,
      Path home,
      Duration sshTimeout) {
    return config.controllers().stream()
        .map(c -> create(c, gpioContext, gpioProvider, http, home, sshTimeout))
        .toList();
  }

  /** One controller; a GPIO one claims its lines, in the powered state. */
  public static Controller create(
      ControllerConfig config,
      Function<String, Context> gpioContext,
      String gpioProvider,
      OkHttpClient http,
      Path home,
      Duration sshTimeout) {
    return switch (config) {
      case GpioConfig g -> new GpioController(g, gpioContext.apply(g.chip()), gpioProvider);
      case MPowerConfig m -> new MPowerController(m, home, sshTimeout);
      case EdgeSwitchConfig e -> new EdgeSwitchController(e, home, sshTimeout);
      case SynaccessConfig s -> new SynaccessController(s, http);
    };
  }
}
