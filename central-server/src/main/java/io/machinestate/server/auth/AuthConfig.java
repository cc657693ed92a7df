package io.machinestate.server.auth;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Credentials the server accepts. Tokens are listed by their SHA-256 (never the token itself).
 *
 * @param allowAnonymous accept unauthenticated requests on a non-loopback address anyway
 */
public record AuthConfig(List<Token> tokens, Proxy proxy, boolean allowAnonymous) {
  public static final AuthConfig NONE = new AuthConfig(List.of(), null, false);

  public AuthConfig {
    tokens = List.copyOf(tokens);
  }

  /** True when any credential is configured; otherwise everything is open. */
  public boolean enabled() {
    return !tokens.isEmpty() || proxy != null;
  }

  /** Whether {@code address} is one the proxy's header is believed from. */
  public boolean trusts(InetAddress address) {
    return proxy != null && proxy.trusted().stream().anyMatch(c -> c.contains(address));
  }

  /**
   * A bearer token.
   *
   * @param sha256 the token's SHA-256, 64 hex digits
   * @param machines for agents and power-cycle agents: the ids they speak for (full match)
   */
  public record Token(String name, String sha256, Role role, Pattern machines) {
    public Token {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("every token needs a name, which audit entries carry");
      }
      if (sha256 == null || !sha256.matches("[0-9a-fA-F]{64}")) {
        throw new IllegalArgumentException("token " + name + ": sha256 must be 64 hex digits (see hash-token)");
      }
      sha256 = sha256.toLowerCase();
      if ((role == Role.AGENT || role == Role.POWERCYCLE) && machines == null) {
        throw new IllegalArgumentException("token " + name + ": an " + role.name().toLowerCase()
            + " token needs machines (a list of ids or a regex)");
      }
      if (machines == null) {
        machines = Pattern.compile("");
      }
    }
  }

  /**
   * An authenticating proxy (such as Google's IAP) in front of the server.
   *
   * @param header carries the operator's email, once, optionally after {@code accounts.google.com:}
   * @param trusted addresses (CIDR) the header is believed from
   * @param editors emails that may act; every other email may read
   * @param iap when set, the email is believed only with a valid IAP assertion for it
   */
  public record Proxy(String header, List<Cidr> trusted, List<String> editors, Iap iap) {
    public Proxy(String header, List<Cidr> trusted, List<String> editors) {
      this(header, trusted, editors, null);
    }

    public Proxy {
      if (header == null || header.isBlank()) {
        throw new IllegalArgumentException("proxy: header is required");
      }
      if (trusted == null || trusted.isEmpty()) {
        throw new IllegalArgumentException("proxy: trusted addresses are required, or anyone could set " + header);
      }
      trusted = List.copyOf(trusted);
      editors = editors == null ? List.of() : List.copyOf(editors);
    }
  }

  /**
   * Google IAP's signed assertion, checked as well as the email header.
   *
   * @param keys IAP's public keys, a JWK set file
   * @param audience {@code /projects/NUMBER/global/backendServices/ID}, the backend service's
   */
  public record Iap(Path keys, String audience) {
    public Iap {
      if (keys == null || audience == null || audience.isBlank()) {
        throw new IllegalArgumentException("proxy.iap needs keys (a JWK set file) and audience");
      }
    }
  }
}
