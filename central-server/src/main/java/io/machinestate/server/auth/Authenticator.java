package io.machinestate.server.auth;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.machinestate.logging.LogText;
import io.machinestate.protocol.Paths;
import io.machinestate.server.console.ConsoleService;
import io.machinestate.server.http.RequestLine;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds who makes each request: a bearer token, or the email an authenticating proxy vouches for,
 * or, when nothing is configured, {@link Principal#ANONYMOUS}. Answers 401 itself when there is no
 * valid credential; what the principal may do is checked by each service. Tokens and the
 * Authorization header never reach a log line or an error body.
 */
public final class Authenticator implements Filter {
  private static final Logger LOG = Logger.getLogger(Authenticator.class.getName());

  /** People act on the fleet through their role, never as a machine. */
  private static final Pattern NO_MACHINES = Pattern.compile("");

  /** What IAP sends: an optional {@code accounts.google.com:} and one plain address. */
  private static final Pattern PROXY_EMAIL =
      Pattern.compile("(?:accounts\\.google\\.com:)?([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+)");

  private final AuthConfig config;
  private final FailureThrottle throttle;
  /** Null unless the proxy is IAP and its assertions are to be checked. */
  private final IapAssertion iap;

  public Authenticator(AuthConfig config, FailureThrottle throttle, Clock clock) {
    this.config = config;
    this.throttle = throttle;
    this.iap = config.proxy() == null || config.proxy().iap() == null ? null
        : new IapAssertion(config.proxy().iap(), clock);
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    String path = req.path().path();
    if (path.equals(Paths.HEALTHZ) || path.equals(Paths.LIVEZ) || path.equals(Paths.METRICS)
        || ConsoleService.isPublic(path)) {
      chain.proceed(); // probes and scrapers carry no credentials, nor does a browser loading the console
      return;
    }
    Optional<Principal> principal = authenticate(req);
    if (principal.isEmpty()) {
      String address = remoteAddress(req).map(InetAddress::getHostAddress).orElse("unknown");
      boolean presented = req.headers().contains(HeaderNames.AUTHORIZATION);
      LOG.warning("rejected " + RequestLine.of(req) + " from " + address
          + (presented ? ": invalid credentials" : ": no credentials"));
      if (presented) {
        sleep(throttle.failed(address)); // only guesses are slowed down, not clients that sent nothing
      }
      res.status(Status.UNAUTHORIZED_401)
          .header(HeaderValues.create(HeaderNames.WWW_AUTHENTICATE, "Bearer"))
          .header(HeaderValues.CONTENT_TYPE_TEXT_PLAIN)
          .send("missing or invalid credentials");
      return;
    }
    req.context().register(principal.get());
    chain.proceed();
  }

  private Optional<Principal> authenticate(RoutingRequest req) {
    if (!config.enabled()) {
      return Optional.of(Principal.ANONYMOUS);
    }
    Optional<String> authorization = req.headers().first(HeaderNames.AUTHORIZATION);
    if (authorization.isPresent()) {
      String value = authorization.get();
      return value.regionMatches(true, 0, "Bearer ", 0, 7) ? token(value.substring(7).trim()) : Optional.empty();
    }
    AuthConfig.Proxy proxy = config.proxy();
    if (proxy != null) {
      Optional<InetAddress> from = remoteAddress(req);
      if (from.isPresent() && config.trusts(from.get())) {
        return proxyUser(req, proxy).map(user ->
            new Principal(user, proxy.editors().contains(user) ? Role.EDITOR : Role.VIEWER, NO_MACHINES));
      }
    }
    return Optional.empty();
  }

  /**
   * The email in the proxy's header, when the header is there exactly once and holds exactly one
   * address, with or without the {@code accounts.google.com:} prefix. Anything else (two headers,
   * a list, another prefix, spaces) is not what the proxy sends, so it names no one.
   */
  private Optional<String> proxyUser(RoutingRequest req, AuthConfig.Proxy proxy) {
    Optional<String> value = once(req, proxy.header());
    Matcher m = PROXY_EMAIL.matcher(value.orElse(""));
    if (!m.matches()) {
      return Optional.empty();
    }
    String user = m.group(1);
    if (iap != null) {
      IapAssertion.Result verified = iap.verify(once(req, IapAssertion.HEADER).orElse(""));
      if (!user.equals(verified.email())) {
        LOG.warning("refused " + proxy.header() + " " + LogText.of(user) + ": " + (verified.problem() != null
            ? "IAP assertion: " + verified.problem() : "the IAP assertion names " + LogText.of(verified.email())));
        return Optional.empty();
      }
    }
    return Optional.of(user);
  }

  /** The header's value when it is there exactly once. */
  private static Optional<String> once(RoutingRequest req, String header) {
    List<String> values = req.headers().all(HeaderNames.create(header), List::of);
    return values.size() == 1 ? Optional.of(values.getFirst()) : Optional.empty();
  }

  /** Compares the token's hash with every configured hash, in constant time and without early exit. */
  private Optional<Principal> token(String token) {
    byte[] presented = sha256(token);
    AuthConfig.Token match = null;
    for (AuthConfig.Token t : config.tokens()) {
      if (MessageDigest.isEqual(presented, HexFormat.of().parseHex(t.sha256())) && match == null) {
        match = t;
      }
    }
    return match == null ? Optional.empty() : Optional.of(new Principal(match.name(), match.role(), match.machines()));
  }

  public static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static Optional<InetAddress> remoteAddress(RoutingRequest req) {
    return req.remotePeer().address() instanceof InetSocketAddress a ? Optional.ofNullable(a.getAddress()) : Optional.empty();
  }

  private static void sleep(Duration d) {
    if (d.isZero()) {
      return;
    }
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
