package io.machinestate.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.machinestate.agent.central.Backoff;
import io.machinestate.agent.central.CentralClient;
import io.machinestate.agent.central.EventSender;
import io.machinestate.agent.central.GoogleAccessToken;
import io.machinestate.agent.description.DescriptionFollower;
import io.machinestate.agent.description.DescriptionHolder;
import io.machinestate.agent.description.SavedDescription;
import io.machinestate.agent.device.AndroidDevice;
import io.machinestate.agent.device.ChromeOsDevice;
import io.machinestate.agent.device.Device;
import io.machinestate.agent.device.IosDevice;
import io.machinestate.agent.device.PyOcdDevice;
import io.machinestate.agent.device.RebootTarget;
import io.machinestate.agent.host.GceMetadata;
import io.machinestate.agent.host.HostDevice;
import io.machinestate.agent.metrics.AgentMetrics;
import io.machinestate.agent.host.LinuxGpuDrivers;
import io.machinestate.agent.report.ForcedQuarantine;
import io.machinestate.agent.report.Interrogator;
import io.machinestate.agent.report.Reporter;
import io.machinestate.agent.swarming.BotCode;
import io.machinestate.agent.swarming.HookServer;
import io.machinestate.agent.swarming.SwarmingBot;
import io.machinestate.agent.tools.ToolRunner;
import io.machinestate.protocol.AttachedDevice;
import io.machinestate.protocol.BearerToken;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import io.machinestate.protocol.Json;
import io.machinestate.protocol.ServerTls;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import okhttp3.ConnectionSpec;
import okhttp3.Dispatcher;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;

/** The edge agent: all its parts, wired and started in order, and stopped together. */
public final class Agent implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Agent.class.getName());
  /** Bounds the output kept of one tool run; getprop, the largest, is some 50 KiB. */
  private static final int MAX_TOOL_OUTPUT = 1 << 20;
  private static final Duration GCE_TIMEOUT = Duration.ofMillis(500);
  private static final Duration SSE_READ_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration BOT_RESTART_DELAY = Duration.ofSeconds(10);
  private static final String BOT_NOTE = "swarming-bot.json";
  private static final Path NVIDIA_VERSION = Path.of("/sys/module/nvidia/version");

  private final AgentConfig config;
  private final OkHttpClient http;
  private final DescriptionHolder description;
  private final DescriptionFollower follower;
  private final EventSender sender;
  private final Reporter reporter;
  private final HookServer hooks;
  private final SwarmingBot bot;
  private final AtomicBoolean firstAccepted = new AtomicBoolean();
  private final AgentMetrics metrics;

  /** @param hardware reads the host's hardware, given the runner of the host's tools */
  private Agent(AgentConfig config, Function<ToolRunner, HostDevice.Hardware> hardware) throws IOException {
    this.config = config;
    this.metrics = new AgentMetrics(config.version());
    ObjectMapper mapper = Json.newMapper();
    OkHttpClient.Builder httpBuilder = new OkHttpClient.Builder()
        .dispatcher(new Dispatcher(Executors.newVirtualThreadPerTaskExecutor()))
        .connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(10))
        .writeTimeout(Duration.ofSeconds(10))
        .callTimeout(Duration.ofSeconds(20));
    if (!config.server().isHttps()) {
      // OkHttp loads the trust store when it is built, a few MiB that plain HTTP never uses.
      httpBuilder.connectionSpecs(List.of(ConnectionSpec.CLEARTEXT));
    }
    http = httpBuilder.build();
    // The credentials and the private CA are the central server's alone: the GCE metadata server uses the plain client.
    CentralClient client = new CentralClient(ServerTls.centralServerClient(http, config.tls(), credentials(config)),
        config.server(), config.machineId(), mapper);
    ToolRunner tools = new ToolRunner(config.toolPath(), config.toolTimeout(), MAX_TOOL_OUTPUT);
    Random random = new Random();

    description = new DescriptionHolder(config.machineId(),
        new SavedDescription(config.stateDir().resolve("description.json"), mapper), this::trigger);
    follower = new DescriptionFollower(client, description, config.pollInterval(), SSE_READ_TIMEOUT,
        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), random));
    sender = new EventSender(client, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), random), this::accepted);

    Map<AttachedDevice, Device> devices = Map.of(
        AttachedDevice.NODEVICE, new HostDevice(() -> hardware.apply(tools),
            new GceMetadata(http, config.gceMetadataHost(), GCE_TIMEOUT), tools),
        AttachedDevice.ADB, new AndroidDevice(tools),
        AttachedDevice.IOS, new IosDevice(tools),
        AttachedDevice.SSH, new ChromeOsDevice(tools, config.sshMachineFile(), mapper),
        AttachedDevice.PYOCD, new PyOcdDevice(config.pyocdConfig()));
    AtomicBoolean runningTask = new AtomicBoolean();
    Event.Host host = new Event.Host(config.machineId(), config.version(), Instant.now());
    reporter = new Reporter(
        new Interrogator(host, devices, description, runningTask::get, config.startSwarming(),
            new ForcedQuarantine(config.home(), config.machineId())),
        sender::offer, config.eventInterval());
    metrics.flag("edge_agent_description_stream_open", "whether the Description stream is open", follower::isOpen);
    metrics.count("edge_agent_description_stream_failures", "Description streams lost or refused", follower::failures);
    metrics.flag("edge_agent_task_running", "whether Swarming runs a task", runningTask::get);
    hooks = new HookServer(new InetSocketAddress(config.bindAddress(), config.port()), description, runningTask,
        () -> afterTask(devices), config.rackName(), metrics::scrape, mapper);
    bot = config.swarming()
        .map(launch -> new SwarmingBot(
            new SwarmingBot.Settings(launch, config.machineId(), BOT_RESTART_DELAY, config.stateDir().resolve(BOT_NOTE)),
            new BotCode(swarmingHttp(), launch.servers(), launch.metadataUrl(), mapper), runningTask, mapper))
        .orElse(null);
  }

  /** What authenticates the agent to the central server, if anything. */
  private static Optional<Interceptor> credentials(AgentConfig config) throws IOException {
    if (config.googleAuth().isPresent()) {
      return Optional.of(GoogleAccessToken.of(config.googleAuth().get()));
    }
    return config.token().map(BearerToken::new);
  }

  /**
   * The client for Swarming and the metadata server: HTTPS whatever the central server's scheme,
   * and time enough for the bot's code, some MiB.
   */
  private OkHttpClient swarmingHttp() {
    return http.newBuilder()
        .connectionSpecs(List.of(ConnectionSpec.MODERN_TLS, ConnectionSpec.CLEARTEXT))
        .callTimeout(Duration.ofMinutes(5))
        .readTimeout(Duration.ofSeconds(30))
        .build();
  }

  /** Starts an agent that reads the host's hardware with OSHI. */
  public static Agent start(AgentConfig config) throws IOException {
    Agent agent = new Agent(config, tools -> HostDevice.oshi(new LinuxGpuDrivers(tools, NVIDIA_VERSION), Path.of("/")));
    agent.start();
    return agent;
  }

  /** Starts an agent; tests pass the host's hardware to keep OSHI out of them. */
  static Agent start(AgentConfig config, Supplier<HostDevice.Hardware> hardware) throws IOException {
    Agent agent = new Agent(config, tools -> hardware.get());
    agent.start();
    return agent;
  }

  private void start() {
    LOG.log(Level.INFO, "Edge agent {0} for machine {1}, server {2}, {3}{4}", config.version(), config.machineId(),
        config.server(), config.googleAuth().isPresent() ? "with Google credentials"
            : config.token().isPresent() ? "with a bearer token" : "without a token",
        config.tls().map(tls -> ", trusting " + tls).orElse(""));
    // Swarming is answered at once, from the saved Description if need be.
    hooks.start();
    // The first event reads the device the server names, when it can be reached.
    follower.refresh();
    sender.start();
    reporter.start();
    follower.start();
    if (bot != null) {
      bot.start();
    }
  }

  public int hookPort() {
    return hooks.port();
  }

  public Description description() {
    return description.get();
  }

  /** Interrogates and sends an event now. */
  public void trigger() {
    if (reporter != null) {
      reporter.trigger();
    }
  }

  private void afterTask(Map<AttachedDevice, Device> devices) {
    Description d = description.get();
    RebootTarget.of(d).ifPresentOrElse(kind -> {
      try {
        devices.get(kind).reboot(d);
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "Rebooting the {0} device of machine {1} failed: {2}",
            kind.wire(), config.machineId(), e.getMessage());
      }
    }, () -> LOG.log(Level.INFO, "No attached device of machine {0} to reboot", config.machineId()));
    trigger();
  }

  private void accepted(Event event) {
    metrics.eventAccepted();
    if (firstAccepted.compareAndSet(false, true)) {
      // From the process's start, as the operating system tells it: the JVM's own start-up counts.
      LOG.log(Level.INFO, "First event of machine {0} accepted {1} ms after the process started",
          config.machineId(), ProcessHandle.current().info().startInstant()
              .map(started -> String.valueOf(Duration.between(started, Instant.now()).toMillis())).orElse("?"));
    }
  }

  @Override
  public void close() {
    LOG.log(Level.INFO, "Edge agent for machine {0} stopping", config.machineId());
    if (bot != null) {
      bot.close();
    }
    reporter.close();
    description.close(); // before the follower: a fetch still in flight saves nothing
    follower.close();
    sender.close();
    hooks.close();
    http.dispatcher().executorService().shutdownNow();
    http.connectionPool().evictAll();
    LOG.log(Level.INFO, "Edge agent for machine {0} stopped", config.machineId());
  }
}
