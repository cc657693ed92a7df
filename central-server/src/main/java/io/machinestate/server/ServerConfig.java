package io.machinestate.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.machinestate.server.auth.AuthConfig;
import io.machinestate.server.http.ConnectionLimits;
import io.machinestate.server.store.DbTimeouts;
import io.machinestate.server.tls.TlsFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
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
 * @param auditRetention how long the audit trail is kept
 * @param dbTimeouts how long to wait on the database
 * @param tls the certificate and key to serve HTTPS with; null for plain HTTP
 * @param connections what one client connection may take of the server
 * @param newMachinesPerHour how many machines one agent token may create in an hour; 0 for any number
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
    Duration historyRetention,
    Duration auditRetention,
    DbTimeouts dbTimeouts,
    TlsFiles tls,
    ConnectionLimits connections,
    int newMachinesPerHour) {

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
    if (auditRetention.isNegative() || auditRetention.isZero()) {
      throw new IllegalArgumentException("audit retention must be positive");
    }
    if (newMachinesPerHour < 0) {
      throw new IllegalArgumentException("new machines per hour must be 0 (no limit) or more");
    }
  }

  public static ServerConfig defaults() {
    return new ServerConfig("127.0.0.1", 8000, "", Path.of("machineserver-data"),
        List.of(new Pool("Skia", ".*")), "machines.skia.org", Duration.ofSeconds(15), AuthConfig.NONE,
        Duration.ofDays(90), Duration.ofDays(365), DbTimeouts.DEFAULTS, null, ConnectionLimits.DEFAULTS, 1000);
  }

  public boolean embeddedDatabase() {
    return db == null || db.isEmpty();
  }

  public ServerConfig withHost(String v) {
    return with(b -> b.host = v);
  }

  public ServerConfig withPort(int v) {
    return with(b -> b.port = v);
  }

  public ServerConfig withDb(String v) {
    return with(b -> b.db = v);
  }

  public ServerConfig withDataDir(Path v) {
    return with(b -> b.dataDir = v);
  }

  public ServerConfig withPools(List<Pool> v) {
    return with(b -> b.pools = v);
  }

  public ServerConfig withUser(String v) {
    return with(b -> b.user = v);
  }

  public ServerConfig withSseHeartbeat(Duration v) {
    return with(b -> b.sseHeartbeat = v);
  }

  public ServerConfig withAuth(AuthConfig v) {
    return with(b -> b.auth = v);
  }

  public ServerConfig withHistoryRetention(Duration v) {
    return with(b -> b.historyRetention = v);
  }

  public ServerConfig withAuditRetention(Duration v) {
    return with(b -> b.auditRetention = v);
  }

  public ServerConfig withDbTimeouts(DbTimeouts v) {
    return with(b -> b.dbTimeouts = v);
  }

  public ServerConfig withTls(TlsFiles v) {
    return with(b -> b.tls = v);
  }

  public ServerConfig withConnections(ConnectionLimits v) {
    return with(b -> b.connections = v);
  }

  public ServerConfig withNewMachinesPerHour(int v) {
    return with(b -> b.newMachinesPerHour = v);
  }

  /** A copy with what {@code change} sets; the one place that lists every field. */
  private ServerConfig with(Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return new ServerConfig(f.host, f.port, f.db, f.dataDir, f.pools, f.user, f.sseHeartbeat, f.auth,
        f.historyRetention, f.auditRetention, f.dbTimeouts, f.tls, f.connections, f.newMachinesPerHour);
  }

  private static final class Fields {
    String host;
    int port;
    String db;
    Path dataDir;
    List<Pool> pools;
    String user;
    Duration sseHeartbeat;
    AuthConfig auth;
    Duration historyRetention;
    Duration auditRetention;
    DbTimeouts dbTimeouts;
    TlsFiles tls;
    ConnectionLimits connections;
    int newMachinesPerHour;

    Fields(ServerConfig c) {
      host = c.host;
      port = c.port;
      db = c.db;
      dataDir = c.dataDir;
      pools = c.pools;
      user = c.user;
      sseHeartbeat = c.sseHeartbeat;
      auth = c.auth;
      historyRetention = c.historyRetention;
      auditRetention = c.auditRetention;
      dbTimeouts = c.dbTimeouts;
      tls = c.tls;
      connections = c.connections;
      newMachinesPerHour = c.newMachinesPerHour;
    }
  }
}
