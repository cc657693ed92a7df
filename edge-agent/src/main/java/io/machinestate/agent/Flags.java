package io.machinestate.agent;

import io.machinestate.agent.central.GoogleAuth;
import io.machinestate.agent.swarming.BotLaunch;
import io.machinestate.agent.swarming.SwarmingServers;
import io.machinestate.protocol.AgentToken;
import io.machinestate.protocol.MachineIds;
import io.machinestate.protocol.ServerTls;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The agent's flags. Each has an environment variable twin, used when the flag is not given, so
 * that a systemd unit or launchd plist can set either. {@link #OPTIONS} names each flag once;
 * picocli reads the command line and writes the help from it.
 */
public final class Flags {
  /**
   * One flag: its name, its environment twin, its value's label in the help (null for a switch,
   * which may be given bare), its default as shown in the help, and what it does.
   */
  record Option(String name, String env, String label, String defaultText, String help) {}

  /** Where Skia's lab serves service-account tokens, as Go's agent has it. */
  static final String DEFAULT_METADATA_URL =
      "http://metadata:8000/computeMetadata/v1/instance/service-accounts/default/token";

  static final List<Option> OPTIONS = List.of(
      new Option("server", "EDGE_AGENT_SERVER", "URL", "", "URL of the central server (required)"),
      new Option("port", "EDGE_AGENT_PORT", "PORT", "11000", "port of the Swarming hook server"),
      new Option("bind", "EDGE_AGENT_BIND", "ADDRESS", "127.0.0.1", "address of the Swarming hook server"),
      new Option("machine-id", "SWARMING_BOT_ID", "ID", "the host name", "this machine's id"),
      new Option("state-dir", "EDGE_AGENT_STATE_DIR", "DIR", "$HOME/.edge-agent", "where the last Description is saved"),
      new Option("start-swarming", "EDGE_AGENT_START_SWARMING", null, "false", "run the Swarming bot (needs the next two)"),
      new Option("swarming-bot-zip", "EDGE_AGENT_SWARMING_BOT_ZIP", "FILE", "", "path of swarming_bot.zip"),
      new Option("python-exe", "EDGE_AGENT_PYTHON_EXE", "FILE", "", "path of the Python that runs the bot"),
      new Option("leave-bot-running", "EDGE_AGENT_LEAVE_BOT_RUNNING", null, "false",
          "a stopping agent leaves the bot and its task running, and the next agent takes the bot over"),
      new Option("swarming-server", "EDGE_AGENT_SWARMING_SERVER", "URL", SwarmingServers.PUBLIC,
          "Swarming server of bots not named skia-i-* or skia-d-*, whose /bot_code gives a missing swarming_bot.zip"),
      new Option("swarming-internal-server", "EDGE_AGENT_SWARMING_INTERNAL_SERVER", "URL", SwarmingServers.INTERNAL,
          "Swarming server of skia-i-* bots"),
      new Option("swarming-dev-server", "EDGE_AGENT_SWARMING_DEV_SERVER", "URL", SwarmingServers.DEV,
          "Swarming server of skia-d-* bots"),
      new Option("metadata-url", "EDGE_AGENT_METADATA_URL", "URL", DEFAULT_METADATA_URL,
          "the lab's metadata server, whose access token downloads swarming_bot.zip"),
      new Option("home", "HOME", "DIR", "the user's home", "where tasks leave <machine-id>.force_quarantine"),
      new Option("ssh-machine-file", "EDGE_AGENT_SSH_MACHINE_FILE", "FILE", "/tmp/ssh_machine.json",
          "where recipes read a ChromeOS device's address"),
      new Option("pyocd-config", "EDGE_AGENT_PYOCD_CONFIG", "FILE", "/etc/skia/pyocd_config.json",
          "JSON5 file naming a pyOCD device's type"),
      new Option("tool-timeout", "EDGE_AGENT_TOOL_TIMEOUT", "SECONDS", "10", "how long one run of adb, ssh, ... may take"),
      new Option("gce-metadata-host", "GCE_METADATA_HOST", "HOST[:PORT]", "169.254.169.254", "GCE metadata server"),
      new Option("rack", "MY_RACK_NAME", "NAME", "", "rack name reported to Swarming as sk_rack"),
      new Option("token-file", AgentToken.FILE_ENV, "FILE", "",
          "file holding the bearer token for the server; preferred, as it stays out of process listings"),
      new Option("token", AgentToken.ENV, "TOKEN", "", "the bearer token itself"),
      new Option("google-auth", "EDGE_AGENT_GOOGLE_AUTH", null, "false",
          "send a Google OAuth2 access token instead, for the Go server's auth proxy"),
      new Option("google-credentials", "GOOGLE_APPLICATION_CREDENTIALS", "FILE", "",
          "with --google-auth: a service account's JSON key; without it, gcloud's credentials or the metadata server's"),
      new Option(ServerTls.CA_CERT_FLAG.substring(2), ServerTls.CA_CERT_ENV, "FILE", "",
          "PEM file of the CA certificate(s) that signed the server's; then trusted instead of the JVM's"),
      new Option(ServerTls.ALLOW_INSECURE_HTTP_FLAG.substring(2), ServerTls.ALLOW_INSECURE_HTTP_ENV, null, "false",
          "send the token over plain http to a server not on this host"));

  private static final Duration EVENT_INTERVAL = Duration.ofSeconds(30);
  private static final Duration POLL_INTERVAL = Duration.ofSeconds(60);

  private Flags() {}

  /** Thrown for a command line that cannot run; the message says why. */
  public static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  /** Whether {@code --help} or {@code -h} is among the arguments, whatever else is wrong with them. */
  public static boolean wantsHelp(String[] args) {
    return List.of(args).contains("--help") || List.of(args).contains("-h");
  }

  public static String usage() {
    return commandLine().getUsageMessage(Ansi.OFF);
  }

  private static CommandLine commandLine() {
    CommandSpec spec = CommandSpec.create().name("edge-agent");
    spec.usageMessage()
        .sortOptions(false)
        .width(110)
        .synopsisHeading("")
        .customSynopsis("Usage: edge-agent --server URL [flags]      (the launcher; or java -jar edge-agent.jar)")
        .description("", "Reports this test host and its attached device to the central server, follows the machine's",
            "Description, and answers the Swarming bot's hooks.", "",
            "Flags (each also read from the environment variable shown, when the flag is not given):")
        .footer("", "Without a token or --google-auth the server must allow anonymous access. A token file wins over",
            "a token.");
    spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("this text").build());
    for (Option o : OPTIONS) {
      OptionSpec.Builder b = OptionSpec.builder("--" + o.name())
          .type(String.class)
          .description(o.help() + "  [$" + o.env() + "]"
              + (o.defaultText().isEmpty() ? "" : " [default: " + o.defaultText() + "]"));
      if (o.label() == null) {
        b.arity("0..1").fallbackValue("true").paramLabel("true|false").hideParamSyntax(true);
      } else {
        b.arity("1").paramLabel(o.label());
      }
      spec.addOption(b.build());
    }
    // The last of a repeated flag wins, so a wrapper script may append to a command line.
    return new CommandLine(spec).setOverwrittenOptionsAllowed(true);
  }

  /**
   * @param env the environment: flag twins, PATH for the tools
   * @param version this agent's version
   */
  public static AgentConfig parse(String[] args, Map<String, String> env, String version) throws UsageException {
    ParseResult result;
    try {
      result = commandLine().parseArgs(args);
    } catch (ParameterException e) {
      throw new UsageException(e.getMessage());
    }
    Map<String, String> values = new HashMap<>();
    for (Option o : OPTIONS) {
      String fromEnv = env.get(o.env());
      if (fromEnv != null && !fromEnv.isEmpty()) {
        values.put(o.name(), fromEnv);
      }
      OptionSpec given = result.matchedOption("--" + o.name());
      if (given != null) {
        values.put(o.name(), given.stringValues().getLast());
      }
    }
    return toConfig(values, env, version);
  }

  private static AgentConfig toConfig(Map<String, String> v, Map<String, String> env, String version)
      throws UsageException {
    if (!v.containsKey("server")) {
      throw new UsageException("--server is required");
    }
    HttpUrl server = url(v, "server", "");
    String machineId = v.containsKey("machine-id") ? v.get("machine-id") : hostName();
    String problem = MachineIds.problem(machineId);
    if (problem != null) {
      throw new UsageException("--machine-id: " + problem);
    }
    int port = integer(v, "port", 11000);
    if (port < 0 || port > 65535) {
      throw new UsageException("--port " + port + " is not a TCP port");
    }
    int toolTimeout = integer(v, "tool-timeout", 10);
    if (toolTimeout <= 0) {
      throw new UsageException("--tool-timeout must be at least 1 second");
    }
    Optional<BotLaunch> swarming = swarming(v);
    Optional<GoogleAuth> googleAuth = bool(v, "google-auth")
        ? Optional.of(new GoogleAuth(Optional.ofNullable(v.get("google-credentials")).map(Path::of)))
        : Optional.empty();
    Optional<String> token;
    Optional<ServerTls> tls;
    try {
      // A token file or CA that cannot be used is refused at start, not found out at the first request.
      token = AgentToken.resolve(v.get("token-file"), v.get("token"), env);
      ServerTls.checkTokenTransport(server, token.isPresent() || googleAuth.isPresent(), bool(v, "allow-insecure-http"));
      tls = ServerTls.load(v.containsKey("ca-cert") ? Path.of(v.get("ca-cert")) : null, server);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (token.isPresent() && googleAuth.isPresent()) {
      throw new UsageException("give either a token or --google-auth, not both");
    }
    Path home = Path.of(v.getOrDefault("home", System.getProperty("user.home")));
    return new AgentConfig(
        server,
        v.getOrDefault("bind", "127.0.0.1"),
        port,
        machineId,
        v.containsKey("state-dir") ? Path.of(v.get("state-dir")) : home.resolve(".edge-agent"),
        home,
        Path.of(v.getOrDefault("ssh-machine-file", "/tmp/ssh_machine.json")),
        Path.of(v.getOrDefault("pyocd-config", "/etc/skia/pyocd_config.json")),
        env.getOrDefault("PATH", ""),
        Duration.ofSeconds(toolTimeout),
        v.getOrDefault("gce-metadata-host", "169.254.169.254"),
        v.getOrDefault("rack", ""),
        swarming,
        EVENT_INTERVAL,
        POLL_INTERVAL,
        version,
        token,
        googleAuth,
        tls);
  }

  private static Optional<BotLaunch> swarming(Map<String, String> v) throws UsageException {
    String botZip = v.getOrDefault("swarming-bot-zip", "");
    String python = v.getOrDefault("python-exe", "");
    if (!bool(v, "start-swarming")) {
      return Optional.empty();
    }
    if (botZip.isEmpty() || python.isEmpty()) {
      throw new UsageException("--start-swarming needs --swarming-bot-zip and --python-exe");
    }
    SwarmingServers servers = new SwarmingServers(url(v, "swarming-server", SwarmingServers.PUBLIC),
        url(v, "swarming-internal-server", SwarmingServers.INTERNAL), url(v, "swarming-dev-server", SwarmingServers.DEV));
    return Optional.of(new BotLaunch(Path.of(python), Path.of(botZip), servers,
        url(v, "metadata-url", DEFAULT_METADATA_URL), bool(v, "leave-bot-running")));
  }

  private static HttpUrl url(Map<String, String> v, String name, String defaultValue) throws UsageException {
    String text = v.getOrDefault(name, defaultValue);
    HttpUrl url = HttpUrl.parse(text);
    if (url == null) {
      throw new UsageException("--" + name + " \"" + text + "\" is not an http or https URL");
    }
    return url;
  }

  private static int integer(Map<String, String> v, String name, int defaultValue) throws UsageException {
    String text = v.get(name);
    if (text == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " \"" + text + "\" is not a whole number");
    }
  }

  private static boolean bool(Map<String, String> v, String name) throws UsageException {
    String text = v.getOrDefault(name, "false").strip().toLowerCase();
    return switch (text) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no", "" -> false;
      default -> throw new UsageException("--" + name + " \"" + text + "\" is not true or false");
    };
  }

  private static String hostName() throws UsageException {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      throw new UsageException("cannot find the host name (" + e.getMessage() + "); give --machine-id");
    }
  }
}
