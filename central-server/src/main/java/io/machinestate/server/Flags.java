package io.machinestate.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.machinestate.server.auth.AuthConfig;
import io.machinestate.server.auth.AuthYaml;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.BiFunction;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@link ServerConfig} from, in rising precedence: the defaults, a YAML file
 * ({@code --config}), environment variables, and flags. Every flag has an environment twin:
 * {@code --data-dir} is {@code MACHINESERVER_DATA_DIR}.
 */
final class Flags {
  static final String USAGE = """
      Usage: java -jar central-server.jar [init-db | new-token | hash-token] [flags]

        init-db               create the database and its schema on --db, then exit
        new-token             print a new random token and the sha256 line for the config, then exit
        hash-token            read a token on standard input, print its sha256, then exit

      Flags (environment variable in brackets; a YAML file given by --config may set the same keys):
        --config FILE         YAML file with any of the keys below             [MACHINESERVER_CONFIG]
        --host ADDRESS        listen address (default 127.0.0.1)               [MACHINESERVER_HOST]
        --port N              listen port (default 8000)                       [MACHINESERVER_PORT]
        --db URL              postgresql://user@host:26257/machineserver?sslmode=verify-full
                              or jdbc:postgresql://...; none: embedded PostgreSQL [MACHINESERVER_DB]
        --data-dir DIR        the embedded database's folder (default ./machineserver-data)
                                                                               [MACHINESERVER_DATA_DIR]
        --pool NAME=REGEX     a Swarming pool and the machine ids it takes; repeat, checked in order
                              (default Skia=.*)                                [MACHINESERVER_POOLS, ';'-separated]
        --user NAME           the user automatic annotations carry (default machines.skia.org)
                                                                               [MACHINESERVER_USER]
        --sse-heartbeat-seconds N   comment sent on idle SSE streams (default 15)
                                                                               [MACHINESERVER_SSE_HEARTBEAT_SECONDS]
        --history-retention-days N  how long machine histories are kept (default 90)
                                                                               [MACHINESERVER_HISTORY_RETENTION_DAYS]
        --allow-anonymous     serve without credentials on a non-loopback address (only behind
                              something else that authenticates)               [MACHINESERVER_ALLOW_ANONYMOUS=true]
        --help                this text

      YAML example:
        port: 8000
        db: postgresql://root@cockroachdb-public:26257/machineserver?sslmode=disable
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
      """;

  /** The settings given as one text value, by their flag name; each has an environment twin. */
  private static final Map<String, BiFunction<ServerConfig, String, ServerConfig>> SETTINGS = Map.of(
      "host", ServerConfig::withHost,
      "port", (c, v) -> c.withPort(integer("port", v)),
      "db", ServerConfig::withDb,
      "data-dir", (c, v) -> c.withDataDir(Path.of(v)),
      "user", ServerConfig::withUser,
      "sse-heartbeat-seconds", (c, v) -> c.withSseHeartbeat(Duration.ofSeconds(positive("sse-heartbeat-seconds", v))),
      "history-retention-days", (c, v) -> c.withHistoryRetention(Duration.ofDays(positive("history-retention-days", v))),
      "allow-anonymous", Flags::allowAnonymous);
  private static final List<String> COMMANDS = List.of("init-db", "new-token", "hash-token");

  /** What the command line asked for: a command (empty to serve) and the configuration. */
  record Parsed(boolean help, String command, ServerConfig config) {}

  private Flags() {}

  static Parsed parse(String[] args, Map<String, String> env) throws IOException {
    String command = "";
    Map<String, String> flags = new LinkedHashMap<>();
    List<String> pools = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return new Parsed(true, "", null);
      }
      if (i == 0 && COMMANDS.contains(arg)) {
        command = arg;
        continue;
      }
      if (arg.equals("--allow-anonymous")) {
        flags.put("allow-anonymous", "true");
        continue;
      }
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument \"" + arg + "\" (see --help)");
      }
      String name = arg.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("flag --" + name + " needs a value");
      }
      if (name.equals("pool")) {
        pools.add(value);
      } else if (SETTINGS.containsKey(name) || name.equals("config")) {
        flags.put(name, value);
      } else {
        throw new IllegalArgumentException("unknown flag --" + name + " (see --help)");
      }
    }

    ServerConfig config = ServerConfig.defaults();
    String file = flags.getOrDefault("config", env.get("MACHINESERVER_CONFIG"));
    if (file != null) {
      config = applyYaml(config, Path.of(file));
    }
    for (var setting : SETTINGS.entrySet()) {
      String value = env.get("MACHINESERVER_" + setting.getKey().toUpperCase().replace('-', '_'));
      if (value != null) {
        config = setting.getValue().apply(config, value);
      }
    }
    if (env.containsKey("MACHINESERVER_POOLS")) {
      config = config.withPools(pools(List.of(env.get("MACHINESERVER_POOLS").split(";"))));
    }
    for (var flag : flags.entrySet()) {
      if (!flag.getKey().equals("config")) {
        config = SETTINGS.get(flag.getKey()).apply(config, flag.getValue());
      }
    }
    if (!pools.isEmpty()) {
      config = config.withPools(pools(pools));
    }
    return new Parsed(false, command, config);
  }

  private static ServerConfig applyYaml(ServerConfig config, Path file) throws IOException {
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    if (root == null || root.isMissingNode() || root.isNull()) {
      return config;
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException(file + ": want a mapping of settings");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (SETTINGS.containsKey(key)) {
        config = SETTINGS.get(key).apply(config, root.get(key).asText());
      } else if (!key.equals("pools") && !key.equals("auth")) {
        throw new IllegalArgumentException(file + ": unknown key \"" + key + "\"");
      }
    }
    if (root.has("auth")) {
      config = config.withAuth(AuthYaml.parse(file, root.get("auth"), config.auth().allowAnonymous()));
    }
    if (root.has("pools")) {
      List<ServerConfig.Pool> pools = new ArrayList<>();
      for (JsonNode p : root.get("pools")) {
        pools.add(new ServerConfig.Pool(p.path("name").asText(null), p.path("regex").asText(null)));
      }
      config = config.withPools(pools);
    }
    return config;
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

  private static int integer(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": \"" + value + "\" is not a number");
    }
  }

  private static ServerConfig allowAnonymous(ServerConfig config, String value) {
    AuthConfig a = config.auth();
    return config.withAuth(new AuthConfig(a.tokens(), a.proxy(), Boolean.parseBoolean(value.trim())));
  }

  private static int positive(String name, String value) {
    int n = integer(name, value);
    if (n <= 0) {
      throw new IllegalArgumentException(name + " must be positive");
    }
    return n;
  }
}
