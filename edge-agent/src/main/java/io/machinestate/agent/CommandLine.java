package io.machinestate.agent;

import io.machinestate.protocol.AgentToken;
import io.machinestate.protocol.MachineIds;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;

/**
 * The agent's flags. Each has an environment variable twin, used when the flag is not given, so
 * that a systemd unit or launchd plist can set either.
 */
public final class CommandLine {
  /** One flag: its name, its environment twin, its default as shown in the help, and what it does. */
  record Option(String name, String env, String defaultText, String help) {}

  static final List<Option> OPTIONS = List.of(
      new Option("server", "EDGE_AGENT_SERVER", "", "URL of the central server (required)"),
      new Option("port", "EDGE_AGENT_PORT", "11000", "port of the Swarming hook server"),
      new Option("bind", "EDGE_AGENT_BIND", "127.0.0.1", "address of the Swarming hook server"),
      new Option("machine-id", "SWARMING_BOT_ID", "the host name", "this machine's id"),
      new Option("state-dir", "EDGE_AGENT_STATE_DIR", "$HOME/.edge-agent", "where the last Description is saved"),
      new Option("start-swarming", "EDGE_AGENT_START_SWARMING", "false", "run the Swarming bot (needs the next two)"),
      new Option("swarming-bot-zip", "EDGE_AGENT_SWARMING_BOT_ZIP", "", "path of swarming_bot.zip"),
      new Option("python-exe", "EDGE_AGENT_PYTHON_EXE", "", "path of the Python that runs the bot"),
      new Option("home", "HOME", "the user's home", "where tasks leave <machine-id>.force_quarantine"),
      new Option("ssh-machine-file", "EDGE_AGENT_SSH_MACHINE_FILE", "/tmp/ssh_machine.json",
          "where recipes read a ChromeOS device's address"),
      new Option("pyocd-config", "EDGE_AGENT_PYOCD_CONFIG", "/etc/skia/pyocd_config.json",
          "JSON5 file naming a pyOCD device's type"),
      new Option("tool-timeout", "EDGE_AGENT_TOOL_TIMEOUT", "10", "seconds one run of adb, ssh, ... may take"),
      new Option("gce-metadata-host", "GCE_METADATA_HOST", "169.254.169.254", "GCE metadata server, host[:port]"),
      new Option("rack", "MY_RACK_NAME", "", "rack name reported to Swarming as sk_rack"),
      new Option("token-file", AgentToken.FILE_ENV, "",
          "file holding the bearer token for the server; preferred, as it stays out of process listings"),
      new Option("token", AgentToken.ENV, "", "the bearer token itself"));

  private static final Duration EVENT_INTERVAL = Duration.ofSeconds(30);
  private static final Duration POLL_INTERVAL = Duration.ofSeconds(60);

  private CommandLine() {}

  /** Thrown for a command line that cannot run; the message says why. */
  public static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  public static boolean wantsHelp(String[] args) {
    return List.of(args).contains("--help") || List.of(args).contains("-h");
  }

  public static String usage() {
    StringBuilder sb = new StringBuilder("Usage: java -jar edge-agent.jar --server URL [flags]\n\n"
        + "Reports this test host and its attached device to the central server, follows the\n"
        + "machine's Description, and answers the Swarming bot's hooks.\n\n"
        + "Flags (each also read from the environment variable shown):\n");
    for (Option o : OPTIONS) {
      sb.append(String.format("  --%-18s %-30s %s%n", o.name(), "$" + o.env(), o.help()
          + (o.defaultText().isEmpty() ? "" : " [default: " + o.defaultText() + "]")));
    }
    return sb.append("\nWithout a token the server must allow anonymous access. A token file wins over a token.\n")
        .toString();
  }

  /**
   * @param env the environment: flag twins, PATH for the tools
   * @param version this agent's version
   */
  public static AgentConfig parse(String[] args, Map<String, String> env, String version) throws UsageException {
    Map<String, String> values = new HashMap<>();
    for (Option o : OPTIONS) {
      String v = env.get(o.env());
      if (v != null && !v.isEmpty()) {
        values.put(o.name(), v);
      }
    }
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new UsageException("unexpected argument \"" + arg + "\"");
      }
      int eq = arg.indexOf('=');
      String name = arg.substring(2, eq < 0 ? arg.length() : eq);
      if (OPTIONS.stream().noneMatch(o -> o.name().equals(name))) {
        throw new UsageException("unknown flag --" + name);
      }
      if (eq >= 0) {
        values.put(name, arg.substring(eq + 1));
      } else if (name.equals("start-swarming")) {
        values.put(name, "true");
      } else if (i + 1 < args.length) {
        values.put(name, args[++i]);
      } else {
        throw new UsageException("flag --" + name + " needs a value");
      }
    }
    return toConfig(values, env, version);
  }

  private static AgentConfig toConfig(Map<String, String> v, Map<String, String> env, String version)
      throws UsageException {
    String serverText = v.get("server");
    if (serverText == null) {
      throw new UsageException("--server is required");
    }
    HttpUrl server = HttpUrl.parse(serverText);
    if (server == null) {
      throw new UsageException("--server \"" + serverText + "\" is not an http or https URL");
    }
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
    boolean startSwarming = bool(v, "start-swarming");
    String botZip = v.getOrDefault("swarming-bot-zip", "");
    String python = v.getOrDefault("python-exe", "");
    if (startSwarming && (botZip.isEmpty() || python.isEmpty())) {
      throw new UsageException("--start-swarming needs --swarming-bot-zip and --python-exe");
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
        startSwarming,
        botZip.isEmpty() ? null : Path.of(botZip),
        python.isEmpty() ? null : Path.of(python),
        EVENT_INTERVAL,
        POLL_INTERVAL,
        version,
        token(v.get("token-file"), v.get("token"), env));
  }

  /** A token file that cannot be used is refused at start, not found out at the first request. */
  private static Optional<String> token(String tokenFile, String token, Map<String, String> env) throws UsageException {
    try {
      return AgentToken.resolve(tokenFile, token, env);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
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
