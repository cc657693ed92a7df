package io.machinestate.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@link ServerConfig} from, in rising precedence: the defaults, a YAML file
 * ({@code --config}), environment variables, and flags. Every flag has an environment twin:
 * {@code --data-dir} is {@code MACHINESERVER_DATA_DIR}.
 */
final class Flags {
  static final String USAGE = """
      Usage: java -jar central-server.jar [init-db] [flags]

        init-db               create the database and its schema on --db, then exit

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
        --help                this text

      YAML example:
        port: 8000
        db: postgresql://root@cockroachdb-public:26257/machineserver?sslmode=disable
        pools:
          - {name: Skia, regex: "^skia-e-"}
          - {name: SkiaInternal, regex: "^skia-i-"}
      """;

  private static final List<String> KEYS =
      List.of("config", "host", "port", "db", "data-dir", "pool", "pools", "user", "sse-heartbeat-seconds");

  /** What the command line asked for. */
  record Parsed(boolean help, boolean initDb, ServerConfig config) {}

  private Flags() {}

  static Parsed parse(String[] args, Map<String, String> env) throws IOException {
    boolean initDb = false;
    Map<String, List<String>> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return new Parsed(true, false, null);
      }
      if (arg.equals("init-db") && i == 0) {
        initDb = true;
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
      if (!KEYS.contains(name) || name.equals("pools")) {
        throw new IllegalArgumentException("unknown flag --" + name + " (see --help)");
      }
      flags.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }

    ServerConfig config = ServerConfig.defaults();
    String file = first(flags, "config", env.get("MACHINESERVER_CONFIG"));
    if (file != null) {
      config = applyYaml(config, Path.of(file));
    }
    config = applyEnv(config, env);
    config = applyFlags(config, flags);
    return new Parsed(false, initDb, config);
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
      if (!KEYS.contains(key) || key.equals("config") || key.equals("pool")) {
        throw new IllegalArgumentException(file + ": unknown key \"" + key + "\"");
      }
    }
    if (root.has("host")) config = config.withHost(root.get("host").asText());
    if (root.has("port")) config = config.withPort(integer("port", root.get("port").asText()));
    if (root.has("db")) config = config.withDb(root.get("db").asText());
    if (root.has("data-dir")) config = config.withDataDir(Path.of(root.get("data-dir").asText()));
    if (root.has("user")) config = config.withUser(root.get("user").asText());
    if (root.has("sse-heartbeat-seconds")) {
      config = config.withSseHeartbeat(seconds(root.get("sse-heartbeat-seconds").asText()));
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

  private static ServerConfig applyEnv(ServerConfig config, Map<String, String> env) {
    String v;
    if ((v = env.get("MACHINESERVER_HOST")) != null) config = config.withHost(v);
    if ((v = env.get("MACHINESERVER_PORT")) != null) config = config.withPort(integer("MACHINESERVER_PORT", v));
    if ((v = env.get("MACHINESERVER_DB")) != null) config = config.withDb(v);
    if ((v = env.get("MACHINESERVER_DATA_DIR")) != null) config = config.withDataDir(Path.of(v));
    if ((v = env.get("MACHINESERVER_USER")) != null) config = config.withUser(v);
    if ((v = env.get("MACHINESERVER_SSE_HEARTBEAT_SECONDS")) != null) config = config.withSseHeartbeat(seconds(v));
    if ((v = env.get("MACHINESERVER_POOLS")) != null) config = config.withPools(pools(List.of(v.split(";"))));
    return config;
  }

  private static ServerConfig applyFlags(ServerConfig config, Map<String, List<String>> flags) {
    String v;
    if ((v = first(flags, "host", null)) != null) config = config.withHost(v);
    if ((v = first(flags, "port", null)) != null) config = config.withPort(integer("--port", v));
    if ((v = first(flags, "db", null)) != null) config = config.withDb(v);
    if ((v = first(flags, "data-dir", null)) != null) config = config.withDataDir(Path.of(v));
    if ((v = first(flags, "user", null)) != null) config = config.withUser(v);
    if ((v = first(flags, "sse-heartbeat-seconds", null)) != null) config = config.withSseHeartbeat(seconds(v));
    if (flags.containsKey("pool")) config = config.withPools(pools(flags.get("pool")));
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

  private static String first(Map<String, List<String>> flags, String name, String fallback) {
    List<String> values = flags.get(name);
    return values == null ? fallback : values.get(values.size() - 1);
  }

  private static int integer(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": \"" + value + "\" is not a number");
    }
  }

  private static Duration seconds(String value) {
    int s = integer("sse-heartbeat-seconds", value);
    if (s <= 0) {
      throw new IllegalArgumentException("sse-heartbeat-seconds must be positive");
    }
    return Duration.ofSeconds(s);
  }
}
