package io.machinestate.powercycle;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.plugin.gpiod.GpioDPlugin;
import io.machinestate.powercycle.config.ConfigException;
import io.machinestate.powercycle.config.ConfigLoader;
import io.machinestate.powercycle.config.PowerCycleConfig;
import io.machinestate.logging.Logging;
import io.machinestate.powercycle.cycle.AgentSettings;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** {@code java -jar powercycle-agent.jar --server URL --config FILE --state-dir DIR}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    Logging.install();
    Options options;
    PowerCycleConfig config;
    try {
      options = Options.parse(args, System.getenv());
      if (options.help()) {
        System.out.print(Options.USAGE);
        return;
      }
      config = new ConfigLoader(System.getenv(), System.getProperty("user.name")).load(options.config());
    } catch (IllegalArgumentException | ConfigException e) {
      System.err.println("powercycle-agent: " + e.getMessage());
      System.err.println("Run with --help for usage.");
      System.exit(2);
      return;
    }

    GpioContexts contexts = new GpioContexts();
    PowerCycleApp app;
    try {
      app = new PowerCycleApp(options.server(), options.token(), options.stateDir(), config, contexts::forChip,
          GpioDPlugin.DIGITAL_OUTPUT_PROVIDER_ID, AgentSettings.defaults());
    } catch (IOException | RuntimeException e) {
      System.err.println("powercycle-agent: cannot start: " + e.getMessage());
      contexts.close();
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      app.close();
      contexts.close();
      stopped.countDown();
    }, "shutdown"));
    app.start();
    stopped.await();
  }

  /** One Pi4J context per GPIO chip, created on first use with the chip's gpiod plugin. */
  private static final class GpioContexts implements AutoCloseable {
    private final Map<String, Context> byChip = new HashMap<>();

    synchronized Context forChip(String chip) {
      // Our shutdown hook powers the relays on before the contexts go; Pi4J's own would race it.
      return byChip.computeIfAbsent(chip, c ->
          Pi4J.newContextBuilder().autoDetect().setGpioChipName(c).disableShutdownHook().build());
    }

    @Override
    public synchronized void close() {
      byChip.values().forEach(Context::shutdown);
    }
  }
}
