package io.machinestate.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.machinestate.server.auth.AuthConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Everything the central server is told at start. Read from flags, environment variables and an
 * optional YAML file by {@link Flags}.
 *
 * @param host listen address
 * @param port listen port; 0 picks a free one
 * @param db connection string; empty means the embedded PostgreSQL in {@code dataDir}
 * @param dataDir the embedded database's folder
 * @param pools checked in order against machine ids to assign the {@code pool} dimension
 * @param user the user name that automatic annotations carry
 * @param sseHeartbeat how often an idle SSE stream gets a comment, so proxies keep it open
 * @param auth who may do what; nothing configured means everyone may do everything
 * @param historyRetention how long a machine's history is kept
 */
public record ServerConfig(
    String host,
    int port,
    String db,
    Path dataDir,
    List<Pool> pools,
    String user,
    Duration sseHeartbeat,
    AuthConfig auth,
    Duration historyRetention) {

  /** A pool name and the regex of the machine ids that belong to it. */
  public record Pool(@JsonProperty("name") String name, @JsonProperty("regex") String regex) {
    private static final Pattern NAME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9-._]*$");

    public Pool {
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("invalid pool name \"" + name + "\": want " + NAME.pattern());
      }
      if (regex == null || regex.isEmpty()) {
        throw new IllegalArgumentException("pool \"" + name + "\" has no regex");
      }
      Pattern.compile(regex); // fail at start, not at the first event
    }
  }

  public ServerConfig {
    pools = List.copyOf(pools);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range");
    }
    if (historyRetention.isNegative() || historyRetention.isZero()) {
      throw new IllegalArgumentException("history retention must be positive");
    }
  }

  public static ServerConfig defaults() {
    return new ServerConfig("127.0.0.1", 8000, "", Path.of("machineserver-data"),
        List.of(new Pool("Skia", ".*")), "machines.skia.org", Duration.ofSeconds(15), AuthConfig.NONE,
        Duration.ofDays(90));
  }

  public boolean embeddedDatabase() {
    return db == null || db.isEmpty();
  }

  public ServerConfig withHost(String v) {
    return new ServerConfig(v, port, db, dataDir, pools, user, sseHeartbeat, auth, historyRetention);
  }

  public ServerConfig withPort(int v) {
    return new ServerConfig(host, v, db, dataDir, pools, user, sseHeartbeat, auth, historyRetention);
  }

  public ServerConfig withDb(String v) {
    return new ServerConfig(host, port, v, dataDir, pools, user, sseHeartbeat, auth, historyRetention);
  }

  public ServerConfig withDataDir(Path v) {
    return new ServerConfig(host, port, db, v, pools, user, sseHeartbeat, auth, historyRetention);
  }

  public ServerConfig withPools(List<Pool> v) {
    return new ServerConfig(host, port, db, dataDir, v, user, sseHeartbeat, auth, historyRetention);
  }

  public ServerConfig withUser(String v) {
    return new ServerConfig(host, port, db, dataDir, pools, v, sseHeartbeat, auth, historyRetention);
  }

  public ServerConfig withSseHeartbeat(Duration v) {
    return new ServerConfig(host, port, db, dataDir, pools, user, v, auth, historyRetention);
  }

  public ServerConfig withAuth(AuthConfig v) {
    return new ServerConfig(host, port, db, dataDir, pools, user, sseHeartbeat, v, historyRetention);
  }

  public ServerConfig withHistoryRetention(Duration v) {
    return new ServerConfig(host, port, db, dataDir, pools, user, sseHeartbeat, auth, v);
  }
}
