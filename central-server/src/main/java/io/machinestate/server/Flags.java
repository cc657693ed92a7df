package io.machinestate.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.machinestate.server.auth.AuthConfig;
import io.machinestate.server.auth.AuthYaml;
import io.machinestate.server.http.ConnectionLimits;
import io.machinestate.server.store.DbTimeouts;
import io.machinestate.server.tls.TlsFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * Reads a {@link ServerConfig} from, in rising precedence: the defaults, a YAML file
 * ({@code --config}), environment variables, and flags. {@link #SETTINGS} names each setting once:
 * {@code --data-dir} is also {@code MACHINESERVER_DATA_DIR} and the YAML key {@code data-dir}.
 * Picocli reads the command line and writes the help; the layering is done here.
 */
final class Flags {
  /** What the command line asked for: help, a command (empty to serve), and the configuration. */
  record Parsed(boolean help, String command, ServerConfig config) {}

  private static final String ENV = "MACHINESERVER_";
  private static final String CONFIG_ENV = ENV + "CONFIG";
  private static final String POOLS_ENV = ENV + "POOLS";

  /**
   * A setting given as one value: flag {@code --name}, environment variable
   * {@code MACHINESERVER_NAME}, YAML key {@code name}.
   *
   * @param label the flag's value in the help; null for a switch, which takes none
   * @param shown its default, read from {@link ServerConfig#defaults()}; empty shows none
   */
  private record Setting<T>(String name, String label, String help, Function<ServerConfig, Object> shown,
      Function<String, T> parse, BiConsumer<Draft, T> set) {
    String env() {
      return ENV + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    void apply(Draft draft, String text) {
      T value;
      try {
        value = parse.apply(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + ": " + e.getMessage());
      }
      set.accept(draft, value);
    }
  }

  private static final List<Setting<?>> SETTINGS = List.of(
      new Setting<>("host", "ADDRESS", "listen address", ServerConfig::host, v -> v,
          (d, v) -> d.config = d.config.withHost(v)),
      new Setting<>("port", "N", "listen port; 0 picks a free one", ServerConfig::port, Flags::integer,
          (d, v) -> d.config = d.config.withPort(v)),
      new Setting<>("db", "URL",
          "postgresql://user@host:26257/machineserver?sslmode=verify-full or jdbc:postgresql://...;"
              + " none: embedded PostgreSQL in --data-dir", ServerConfig::db, v -> v,
          (d, v) -> d.config = d.config.withDb(v)),
      new Setting<>("data-dir", "DIR", "the embedded database's folder", ServerConfig::dataDir, v -> Path.of(v),
          (d, v) -> d.config = d.config.withDataDir(v)),
      new Setting<>("user", "NAME", "the user automatic annotations carry", ServerConfig::user, v -> v,
          (d, v) -> d.config = d.config.withUser(v)),
      new Setting<>("sse-heartbeat-seconds", "N", "how often an idle SSE stream gets a comment, so proxies keep it open",
          c -> c.sseHeartbeat().toSeconds(), Flags::seconds, (d, v) -> d.config = d.config.withSseHeartbeat(v)),
      new Setting<>("history-retention-days", "N", "how long machine histories are kept",
          c -> c.historyRetention().toDays(), Flags::days, (d, v) -> d.config = d.config.withHistoryRetention(v)),
      new Setting<>("audit-retention-days", "N", "how long the audit trail is kept",
          c -> c.auditRetention().toDays(), Flags::days, (d, v) -> d.config = d.config.withAuditRetention(v)),
      new Setting<>("db-connect-timeout-seconds", "N", "the longest wait to open a database connection, login included",
          c -> c.dbTimeouts().connect().toSeconds(), Flags::seconds, (d, v) -> d.connect = v),
      new Setting<>("db-statement-timeout-seconds", "N", "the database cancels a statement running longer",
          c -> c.dbTimeouts().statement().toSeconds(), Flags::seconds, (d, v) -> d.statement = v),
      new Setting<>("db-socket-timeout-seconds", "N",
          "the longest a read on an open connection waits, so a frozen or partitioned database holds a pooled"
              + " connection at most this long; must exceed the statement timeout",
          c -> c.dbTimeouts().socket().toSeconds(), Flags::seconds, (d, v) -> d.socket = v),
      new Setting<>("tls-cert", "FILE", "serve HTTPS with this PEM certificate chain (with --tls-key); both files are"
          + " read again when they change", c -> "", v -> Path.of(v), (d, v) -> d.tlsCert = v),
      new Setting<>("tls-key", "FILE", "the certificate's PEM private key (PKCS#8, or PKCS#1 for RSA)", c -> "",
          v -> Path.of(v), (d, v) -> d.tlsKey = v),
      new Setting<>("read-timeout-seconds", "N", "a new connection must send its request header, and a request its"
          + " body, within this", c -> c.connections().readTimeout().toSeconds(), Flags::seconds,
          (d, v) -> d.readTimeout = v),
      new Setting<>("idle-timeout-seconds", "N", "a kept-alive connection must send its next request within this",
          c -> c.connections().idleTimeout().toSeconds(), Flags::seconds, (d, v) -> d.idleTimeout = v),
      new Setting<>("max-connections", "N", "open connections at most; more are refused",
          c -> c.connections().maxConnections(), Flags::positive, (d, v) -> d.maxConnections = v),
      new Setting<>("max-connections-per-address", "N", "open connections from one address at most, loopback and"
          + " the trusted proxies excepted; 0: no limit", c -> c.connections().maxConnectionsPerAddress(),
          Flags::integer, (d, v) -> d.maxPerAddress = v),
      new Setting<>("max-new-machines-per-hour", "N", "machines one agent token may create in an hour; 0: no limit",
          ServerConfig::newMachinesPerHour, Flags::integer, (d, v) -> d.config = d.config.withNewMachinesPerHour(v)),
      new Setting<>("allow-anonymous", null,
          "serve without credentials on a non-loopback address (only behind something else that authenticates)",
          c -> c.auth().allowAnonymous(), v -> Boolean.parseBoolean(v.trim()), Flags::allowAnonymous));

  private static final String[] COMMANDS = {
    "init-db", "create the database and its schema on --db, then exit",
    "new-token", "print a new random token and the sha256 line for the config, then exit",
    "hash-token", "read a token on standard input, print its sha256, then exit",
    "help", "this text",
  };

  private static final String YAML_EXAMPLE = """
        port: 8000
        db: postgresql://root@cockroachdb-public:26257/machineserver?sslmode=disable
        tls-cert: /certs/tls.crt         # HTTPS; both files are read again when cert-manager renews them
        tls-key: /certs/tls.key
        pools:
          - {name: Skia, regex: "^skia-e-"}
          - {name: SkiaInternal, regex: "^skia-i-"}
        auth:                          # without it, only a loopback address is served
          tokens:
            - {name: alice, role: editor, sha256: <64 hex digits from new-token>}
            - {name: rack1-agents, role: agent, machines: "skia-rpi-.*", sha256: ...}
            - {name: rack1-relays, role: powercycle, machines: [skia-rpi-001, skia-rpi-002], sha256: ...}
          proxy:                       # an authenticating proxy such as IAP
            header: X-Goog-Authenticated-User-Email
            trusted: [35.191.0.0/16, 130.211.0.0/22]
            editors: [alice@example.com]
            iap:                       # optional: also check IAP's signed assertion
              keys: iap-keys.json      # https://www.gstatic.com/iap/verify/public_key-jwk, kept current
              audience: /projects/NUMBER/global/backendServices/ID
      """;

  /**
   * The configuration read so far. The timeouts, connection limits and TLS files stay apart until
   * {@link #build}, because each is checked against another and the layers may set them in any order.
   */
  private static final class Draft {
    ServerConfig config = ServerConfig.defaults();
    Duration connect = config.dbTimeouts().connect();
    Duration statement = config.dbTimeouts().statement();
    Duration socket = config.dbTimeouts().socket();
    Duration readTimeout = config.connections().readTimeout();
    Duration idleTimeout = config.connections().idleTimeout();
    int maxConnections = config.connections().maxConnections();
    int maxPerAddress = config.connections().maxConnectionsPerAddress();
    Path tlsCert;
    Path tlsKey;

    ServerConfig build() {
      if ((tlsCert == null) != (tlsKey == null)) {
        throw new IllegalArgumentException("--tls-cert and --tls-key go together: give both or neither");
      }
      return config.withDbTimeouts(new DbTimeouts(connect, statement, socket))
          .withConnections(new ConnectionLimits(readTimeout, idleTimeout, maxConnections, maxPerAddress))
          .withTls(tlsCert == null ? null : new TlsFiles(tlsCert, tlsKey));
    }
  }

  private Flags() {}

  static String usage() {
    return commandLine().getUsageMessage();
  }

  static Parsed parse(String[] args, Map<String, String> env) throws IOException {
    ParseResult result;
    try {
      result = commandLine().parseArgs(args);
    } catch (ParameterException e) {
      throw new IllegalArgumentException(e.getMessage() + " (see --help)");
    }
    String command = result.hasSubcommand() ? result.subcommand().commandSpec().name() : "";
    if (command.equals("help") || result.isUsageHelpRequested()
        || (result.hasSubcommand() && result.subcommand().isUsageHelpRequested())) {
      return new Parsed(true, "", null);
    }
    // Flags may come before or after the command, which gets its own copies of them; the copies share
    // their values with the originals, so read the text each one matched.
    Map<String, String> flags = new HashMap<>();
    List<String> pools = new ArrayList<>();
    for (ParseResult r = result; r != null; r = r.subcommand()) {
      for (OptionSpec o : r.matchedOptionsSet()) {
        List<String> given = o.stringValues();
        if (o.longestName().equals("--pool")) {
          pools.addAll(given);
        } else {
          flags.put(o.longestName().substring(2), given.isEmpty() ? "true" : given.getLast()); // a bare switch is on
        }
      }
    }

    Draft draft = new Draft();
    String file = flags.getOrDefault("config", env.get(CONFIG_ENV));
    if (file != null) {
      readYaml(draft, Path.of(file));
    }
    apply(draft, s -> env.get(s.env()));
    if (env.containsKey(POOLS_ENV)) {
      draft.config = draft.config.withPools(pools(List.of(env.get(POOLS_ENV).split(";"))));
    }
    apply(draft, s -> flags.get(s.name()));
    if (!pools.isEmpty()) {
      draft.config = draft.config.withPools(pools(pools));
    }
    return new Parsed(false, command, draft.build());
  }

  /** Applies the settings {@code source} has a value for. */
  private static void apply(Draft draft, Function<Setting<?>, String> source) {
    for (Setting<?> s : SETTINGS) {
      String value = source.apply(s);
      if (value != null) {
        s.apply(draft, value);
      }
    }
  }

  private static void readYaml(Draft draft, Path file) throws IOException {
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    if (root == null || root.isMissingNode() || root.isNull()) {
      return;
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException(file + ": want a mapping of settings");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (SETTINGS.stream().noneMatch(s -> s.name().equals(key)) && !key.equals("pools") && !key.equals("auth")) {
        throw new IllegalArgumentException(file + ": unknown key \"" + key + "\"");
      }
    }
    apply(draft, s -> root.has(s.name()) ? root.get(s.name()).asText() : null);
    if (root.has("auth")) {
      draft.config = draft.config.withAuth(AuthYaml.parse(file, root.get("auth"), draft.config.auth().allowAnonymous()));
    }
    if (root.has("pools")) {
      List<ServerConfig.Pool> pools = new ArrayList<>();
      for (JsonNode p : root.get("pools")) {
        pools.add(new ServerConfig.Pool(p.path("name").asText(null), p.path("regex").asText(null)));
      }
      draft.config = draft.config.withPools(pools);
    }
  }

  /** A fresh parser each time, as picocli keeps what it matched in the model. */
  private static CommandLine commandLine() {
    ServerConfig defaults = ServerConfig.defaults();
    CommandSpec spec = CommandSpec.create().name("central-server");
    spec.usageMessage()
        .customSynopsis("java -jar central-server.jar [init-db | new-token | hash-token] [flags]")
        .commandListHeading("%nCommands (without one, the server runs):%n")
        .optionListHeading("%nFlags (a YAML file given by --config may set the same keys, and pools and auth):%n")
        .sortOptions(false)
        .width(100)
        .footerHeading("%nYAML example:%n")
        .footer(YAML_EXAMPLE);
    spec.addOption(option("config", "FILE", "YAML file with any of the keys below", "", CONFIG_ENV).build());
    for (Setting<?> s : SETTINGS) {
      spec.addOption(option(s.name(), s.label(), s.help(), s.shown().apply(defaults), s.env()).build());
    }
    spec.addOption(option("pool", "NAME=REGEX",
        "a Swarming pool and the machine ids it takes; repeat, checked in order",
        String.join(" ", defaults.pools().stream().map(p -> p.name() + "=" + p.regex()).toList()),
        POOLS_ENV + ", ';'-separated").type(List.class).auxiliaryTypes(String.class).arity("1").build());
    spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("this text")
        .scopeType(ScopeType.INHERIT).build());
    CommandLine commandLine = new CommandLine(spec);
    for (int i = 0; i < COMMANDS.length; i += 2) {
      CommandSpec command = CommandSpec.create();
      command.usageMessage().description(COMMANDS[i + 1]);
      commandLine.addSubcommand(COMMANDS[i], command);
    }
    // Set after the commands are added, so they share these. "@file" arguments stay plain text,
    // and a flag given twice keeps the last value, as before picocli.
    return commandLine.setExpandAtFiles(false).setOverwrittenOptionsAllowed(true);
  }

  /** A flag that the command and its subcommands take alike. */
  private static OptionSpec.Builder option(String name, String label, String help, Object shown, String env) {
    String where = (shown.toString().isEmpty() ? "" : "default " + shown + "; ") + "environment " + env;
    OptionSpec.Builder b = OptionSpec.builder("--" + name).description(help, where).scopeType(ScopeType.INHERIT);
    // a switch also takes "=true" or "=false", as its environment variable and YAML key do
    return label == null ? b.type(boolean.class).arity("0..1").paramLabel("true|false") : b.type(String.class).paramLabel(label);
  }

  private static List<ServerConfig.Pool> pools(List<String> specs) {
    List<ServerConfig.Pool> pools = new ArrayList<>();
    for (String spec : specs) {
      if (spec.isBlank()) {
        continue;
      }
      int eq = spec.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("pool \"" + spec + "\": want NAME=REGEX");
      }
      pools.add(new ServerConfig.Pool(spec.substring(0, eq).trim(), spec.substring(eq + 1).trim()));
    }
    return pools;
  }

  private static int integer(String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + text + "\" is not a number");
    }
  }

  private static Duration seconds(String text) {
    return Duration.ofSeconds(positive(text));
  }

  private static Duration days(String text) {
    return Duration.ofDays(positive(text));
  }

  private static int positive(String text) {
    int n = integer(text);
    if (n <= 0) {
      throw new IllegalArgumentException("must be positive, not " + n);
    }
    return n;
  }

  private static void allowAnonymous(Draft draft, boolean allow) {
    AuthConfig a = draft.config.auth();
    draft.config = draft.config.withAuth(new AuthConfig(a.tokens(), a.proxy(), allow));
  }
}
