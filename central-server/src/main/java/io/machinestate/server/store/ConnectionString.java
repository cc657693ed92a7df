package io.machinestate.server.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A database address in either of the forms operators paste: the libpq / CockroachDB URL
 * ({@code postgresql://root@host:26257/machineserver?sslmode=disable}) or a JDBC URL.
 *
 * @param jdbcUrl without user and password
 * @param database the database name in the path
 */
public record ConnectionString(String jdbcUrl, String user, String password, String database) {

  public static ConnectionString parse(String s) {
    String url = s.trim();
    if (url.startsWith("jdbc:")) {
      url = url.substring("jdbc:".length());
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("database URL \"" + redact(s) + "\" is malformed: " + e.getReason());
    }
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new IllegalArgumentException("database URL must start with postgresql:// or jdbc:postgresql://");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("database URL \"" + redact(s) + "\" has no host");
    }
    String user = "";
    String password = "";
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : "";
    }
    String database = uri.getPath() == null || uri.getPath().length() <= 1 ? "machineserver" : uri.getPath().substring(1);
    String hostPort = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    return new ConnectionString("jdbc:postgresql://" + hostPort + "/" + database + query, user, password, database);
  }

  /** The same server, another database: where {@code init-db} connects to create ours. */
  public ConnectionString withDatabase(String other) {
    String prefix = jdbcUrl.substring(0, jdbcUrl.lastIndexOf("/" + database) + 1);
    String rest = jdbcUrl.substring(prefix.length() + database.length());
    return new ConnectionString(prefix + other + rest, user, password, other);
  }

  /** The URL without its password, for logs and error messages. */
  public static String redact(String url) {
    return url.replaceAll("(://[^:/@]*):[^@/]*@", "$1:***@");
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
