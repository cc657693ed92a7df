package io.machinestate.powercycle;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.plugin.gpiod.GpioDPlugin;
import io.machinestate.logging.Logging;
import io.machinestate.powercycle.config.ConfigException;
import io.machinestate.powercycle.config.ConfigLoader;
import io.machinestate.powercycle.config.ControllerConfig;
import io.machinestate.powercycle.config.PowerCycleConfig;
import io.machinestate.powercycle.controller.Controller;
import io.machinestate.powercycle.controller.Controllers;
import io.machinestate.powercycle.cycle.AgentSettings;
import io.machinestate.powercycle.cycle.PowerCycler;
import io.machinestate.powercycle.cycle.PoweredOffJournal;
import io.machinestate.powercycle.metrics.AgentMetrics;
import io.machinestate.powercycle.metrics.MetricsServer;
import io.machinestate.protocol.Json;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import okhttp3.OkHttpClient;

/** {@code java -jar powercycle-agent.jar [run|check|cycle] ...}; exit status 2 for a bad command line or configuration. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    Logging.install();
    Path home = Path.of(System.getProperty("user.home"));
    ConfigLoader loader = new ConfigLoader(System.getenv(), home);
    Options.Action action;
    PowerCycleConfig config;
    try {
      action = Options.parse(args, System.getenv());
      config = switch (action) {
        case Options.Help h -> null;
        case Options.Run r -> loader.load(r.config());
        case Options.Check c -> loader.load(c.config());
        case Options.Cycle c -> loader.load(c.config());
      };
    } catch (IllegalArgumentException | ConfigException e) {
      System.err.println("powercycle-agent: " + e.getMessage());
      System.err.println("Run with --help for usage.");
      System.exit(2);
      return;
    }
    switch (action) {
      case Options.Help h -> System.out.print(h.text());
      case Options.Run r -> run(r, config, home);
      case Options.Check c -> exitWith(() -> new ConfigCheck(controllers(new GpioContexts(), home), System.out)
          .run(config, c.config().toString(), c.probe()));
      case Options.Cycle c -> cycle(c, config, home);
    }
  }

  private static void run(Options.Run options, PowerCycleConfig config, Path home) throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    GpioContexts contexts = new GpioContexts();
    PowerCycleApp app;
    MetricsServer metrics = null;
    try {
      if (options.metricsPort() != 0) {
        metrics = new MetricsServer(registry, options.metricsPort());
        // Not a static logger: logging must be installed first, see Logging.install.
        System.getLogger(Main.class.getName()).log(Level.INFO, "metrics on http://127.0.0.1:{0,number,#}/metrics", metrics.port());
      }
      app = new PowerCycleApp(options.server(), options.token(), options.tls(), options.stateDir(), config, contexts::forChip,
          GpioDPlugin.DIGITAL_OUTPUT_PROVIDER_ID, home, new AgentMetrics(registry), AgentSettings.defaults());
    } catch (IOException | RuntimeException e) {
      System.err.println("powercycle-agent: cannot start: " + e.getMessage());
      contexts.close();
      System.exit(1);
      return;
    }
    MetricsServer served = metrics;
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      app.close();
      contexts.close();
      if (served != null) {
        served.close();
      }
      stopped.countDown();
    }, "shutdown"));
    app.start();
    stopped.await();
  }

  /** Like the agent's cycles, SIGTERM or Ctrl-C ends the off period and waits for the power to be back. */
  private static void cycle(Options.Cycle options, PowerCycleConfig config, Path home) throws IOException {
    PowerCycler cycler = new PowerCycler(new PoweredOffJournal(options.stateDir(), Json.newMapper()),
        new AgentMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)), Duration.ofSeconds(1));
    GpioContexts contexts = new GpioContexts();
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      cycler.stop();
      try {
        done.await(90, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      contexts.close();
    }, "shutdown"));
    int status;
    try {
      status = new ManualCycle(controllers(contexts, home), cycler, System.out).run(config, options.machine());
    } finally {
      done.countDown();
    }
    System.exit(status);
  }

  private static Function<ControllerConfig, Controller> controllers(GpioContexts contexts, Path home) {
    OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(30)).build();
    return c -> Controllers.create(c, contexts::forChip, GpioDPlugin.DIGITAL_OUTPUT_PROVIDER_ID, http, home,
        AgentSettings.defaults().sshTimeout());
  }

  private interface Status {
    int get() throws Exception;
  }

  private static void exitWith(Status command) throws Exception {
    System.exit(command.get());
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
