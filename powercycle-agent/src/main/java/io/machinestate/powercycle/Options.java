package io.machinestate.powercycle;

import io.machinestate.protocol.AgentToken;
import io.machinestate.protocol.ServerTls;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import okhttp3.HttpUrl;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The command line: {@code run} (the default, the agent itself), {@code check} and {@code cycle}
 * for an operator. Each flag has an environment variable twin; the flag wins.
 */
public final class Options {
  private Options() {}

  /** What to do. */
  public sealed interface Action permits Run, Check, Cycle, Help {}

  /**
   * Run the agent.
   *
   * @param token the bearer token for the central server, if any; never printed
   * @param tls the certificates the server connection trusts instead of the JVM's, if any
   * @param metricsPort the loopback port of {@code /metrics}; 0 for none
   */
  public record Run(HttpUrl server, Path config, Path stateDir, Optional<String> token, Optional<ServerTls> tls,
      int metricsPort) implements Action {
    /** Leaves the token out, as every log line must. */
    @Override
    public String toString() {
      return "Run[server=" + server + ", config=" + config + ", stateDir=" + stateDir
          + ", token=" + token.map(t -> "(hidden)").orElse("(none)") + ", tls=" + tls.map(String::valueOf).orElse("(JVM)")
          + ", metricsPort=" + metricsPort + "]";
    }
  }

  /** Validate the configuration and list it; with {@code probe}, also ask each controller read-only. */
  public record Check(Path config, boolean probe) implements Action {}

  /** Cycle one machine now. */
  public record Cycle(Path config, Path stateDir, String machine) implements Action {}

  /** Print this text and exit. */
  public record Help(String text) implements Action {}

  static final int DEFAULT_METRICS_PORT = 9468;

  /** Environment twins that become the flag's default; the token's are resolved by {@link AgentToken}. */
  private static final Map<String, String> ENV_OF_FLAG = Map.of(
      "--server", "POWERCYCLE_SERVER",
      "--config", "POWERCYCLE_CONFIG",
      "--state-dir", "POWERCYCLE_STATE_DIR",
      "--metrics-port", "POWERCYCLE_METRICS_PORT",
      ServerTls.CA_CERT_FLAG, ServerTls.CA_CERT_ENV,
      ServerTls.ALLOW_INSECURE_HTTP_FLAG, ServerTls.ALLOW_INSECURE_HTTP_ENV);

  private static final Set<String> FIRST_WORDS = Set.of("run", "check", "cycle", "-h", "--help");

  /** @throws IllegalArgumentException with a message for the user */
  public static Action parse(String[] args, Map<String, String> env) {
    // Without a subcommand it is the agent, as systemd and the Go-era scripts start it.
    String[] full = args.length > 0 && FIRST_WORDS.contains(args[0])
        ? args
        : Stream.concat(Stream.of("run"), Stream.of(args)).toArray(String[]::new);
    CommandLine cli = new CommandLine(new Top())
        .addSubcommand(new RunCommand())
        .addSubcommand(new CheckCommand())
        .addSubcommand(new CycleCommand());
    cli.setDefaultValueProvider(spec -> spec instanceof OptionSpec o && ENV_OF_FLAG.containsKey(o.longestName())
        ? blankToNull(env.get(ENV_OF_FLAG.get(o.longestName())))
        : null);
    ParseResult top;
    try {
      top = cli.parseArgs(full);
    } catch (ParameterException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    if (top.isUsageHelpRequested()) {
      return new Help(cli.getUsageMessage(Ansi.OFF));
    }
    ParseResult sub = top.subcommand();
    if (sub.isUsageHelpRequested()) {
      return new Help(sub.commandSpec().commandLine().getUsageMessage(Ansi.OFF));
    }
    return switch (sub.commandSpec().userObject()) {
      case RunCommand r -> r.action(env);
      case CheckCommand c -> new Check(required(c.config, "--config"), c.probe);
      case CycleCommand c -> new Cycle(required(c.config, "--config"), required(c.stateDir, "--state-dir"), c.machine);
      default -> throw new IllegalStateException("no such command " + sub.commandSpec().name());
    };
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  private static <T> T required(T value, String flag) {
    if (value == null) {
      throw new IllegalArgumentException("missing " + flag + " (or " + ENV_OF_FLAG.get(flag) + ")");
    }
    return value;
  }

  @Command(name = "powercycle-agent", synopsisSubcommandLabel = "[run] | check | cycle",
      description = {
          "Power-cycles test machines on request of the central server, through GPIO relay boards,",
          "mPower strips, EdgeSwitch PoE ports and Synaccess strips. Without a command: run."},
      footer = {"", "Each command's options: powercycle-agent COMMAND --help"})
  static final class Top {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this text")
    boolean help;
  }

  @Command(name = "run", description = "Run the agent (the default).",
      footer = {"", "Without a token the server must allow anonymous access. A token file wins over a token.",
          "The EdgeSwitch password may also come from POWERCYCLE_PASSWORD."})
  static final class RunCommand {
    @Option(names = "--server", paramLabel = "URL",
        description = "central server, e.g. http://machines.lab:8000  [POWERCYCLE_SERVER]")
    String server;

    @Option(names = "--config", paramLabel = "FILE", description = "JSON5 file mapping controllers to machine ids  [POWERCYCLE_CONFIG]")
    Path config;

    @Option(names = "--state-dir", paramLabel = "DIR",
        description = "where cycles in progress and awaiting the server's acknowledgement are noted  [POWERCYCLE_STATE_DIR]")
    Path stateDir;

    @Option(names = "--token-file", paramLabel = "FILE",
        description = "file holding the bearer token for the server; preferred, as it stays out of process listings  [MACHINESERVER_TOKEN_FILE]")
    String tokenFile;

    @Option(names = "--token", paramLabel = "TOKEN", description = "the bearer token itself  [MACHINESERVER_TOKEN]")
    String token;

    @Option(names = ServerTls.CA_CERT_FLAG, paramLabel = "FILE",
        description = "PEM file of the CA certificate(s) that signed the server's; then trusted instead of the JVM's"
            + "  [" + ServerTls.CA_CERT_ENV + "]")
    Path caCert;

    @Option(names = ServerTls.ALLOW_INSECURE_HTTP_FLAG,
        description = "send the token over plain http to a server not on this host  [" + ServerTls.ALLOW_INSECURE_HTTP_ENV + "=true]")
    boolean allowInsecureHttp;

    @Option(names = "--metrics-port", paramLabel = "PORT",
        description = "serve Prometheus metrics on 127.0.0.1:PORT/metrics; 0 for none (default " + DEFAULT_METRICS_PORT
            + ")  [POWERCYCLE_METRICS_PORT]")
    Integer metricsPort;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this text")
    boolean help;

    Run action(Map<String, String> env) {
      String url = required(server, "--server");
      HttpUrl parsed = HttpUrl.parse(url);
      if (parsed == null) {
        throw new IllegalArgumentException("--server: \"" + url + "\" is not an http(s) URL");
      }
      int port = metricsPort == null ? DEFAULT_METRICS_PORT : metricsPort;
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("--metrics-port: " + port + " is not a port number");
      }
      // A token file or CA that cannot be used is refused at start, not found out at the first request.
      Optional<String> bearer = AgentToken.resolve(tokenFile, token, env);
      ServerTls.checkTokenTransport(parsed, bearer.isPresent(), allowInsecureHttp);
      return new Run(parsed, required(config, "--config"), required(stateDir, "--state-dir"), bearer,
          ServerTls.load(caCert, parsed), port);
    }
  }

  @Command(name = "check", description = {
      "Validate the configuration and print each machine with its controller; switches nothing.",
      "Exits 0 for a valid configuration ({} included), 2 for an invalid one, and with --probe 1 when a",
      "controller does not answer."})
  static final class CheckCommand {
    @Option(names = "--config", paramLabel = "FILE", description = "JSON5 file mapping controllers to machine ids  [POWERCYCLE_CONFIG]")
    Path config;

    @Option(names = "--probe", description = "also connect read-only to each controller and report it")
    boolean probe;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this text")
    boolean help;
  }

  @Command(name = "cycle", description = {
      "Power-cycle one machine now, with the agent's safety: noted in the state directory while off, back on",
      "at Ctrl-C or SIGTERM. The central server is not told. Run it as the agent's user, on the agent's host."})
  static final class CycleCommand {
    @Option(names = "--config", paramLabel = "FILE", description = "JSON5 file mapping controllers to machine ids  [POWERCYCLE_CONFIG]")
    Path config;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "the agent's state directory  [POWERCYCLE_STATE_DIR]")
    Path stateDir;

    @Parameters(paramLabel = "MACHINE_ID", description = "the machine, as in the configuration")
    String machine;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this text")
    boolean help;
  }
}
