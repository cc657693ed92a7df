package io.machinestate.server.operator;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Refuses operator POSTs that another site could have made in the operator's name: behind an
 * authenticating proxy the browser sends its cookies with any request, even one a foreign page's
 * form makes. A browser says where a request comes from ({@code Sec-Fetch-Site}, or at least
 * {@code Origin}): it must be this very origin, and the body {@code Content-Type: application/json},
 * which a foreign page cannot send without the browser asking first (this server never allows it).
 * A body of any other type is refused from anyone, as the forms of browsers too old to send
 * {@code Origin} have one. Clients that are not browsers (agents, curl, scripts) send neither
 * header and keep working, with a JSON body or none.
 */
public final class CrossSiteFilter implements Filter {
  static final String OPERATOR_PATHS = "/_/";
  private static final HeaderName SEC_FETCH_SITE = HeaderNames.create("Sec-Fetch-Site");
  private static final String CONTENT_TYPE = "operator actions take Content-Type: application/json, not ";

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    if (!req.prologue().method().equals(Method.POST) || !req.path().path().startsWith(OPERATOR_PATHS)) {
      chain.proceed();
      return;
    }
    Optional<String> problem = problem(req);
    if (problem.isPresent()) {
      res.status(problem.get().startsWith(CONTENT_TYPE) ? Status.UNSUPPORTED_MEDIA_TYPE_415 : Status.FORBIDDEN_403)
          .header(HeaderValues.CONTENT_TYPE_TEXT_PLAIN)
          .send(problem.get());
      return;
    }
    chain.proceed();
  }

  private static Optional<String> problem(RoutingRequest req) {
    Optional<String> contentType = req.headers().first(HeaderNames.CONTENT_TYPE);
    Optional<String> site = req.headers().first(SEC_FETCH_SITE);
    Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
    boolean browser = site.isPresent() || origin.isPresent();
    if (site.isPresent() && !site.get().equals("same-origin")) {
      return Optional.of("cross-site request refused (Sec-Fetch-Site: " + site.get() + ")");
    }
    if (site.isEmpty() && origin.isPresent()
        && !sameOrigin(origin.get(), req.headers().first(HeaderNames.HOST).orElse(""))) {
      return Optional.of("cross-site request refused (Origin " + origin.get() + " is not this server)");
    }
    if ((browser || contentType.isPresent()) && !contentType.map(CrossSiteFilter::isJson).orElse(false)) {
      return Optional.of(CONTENT_TYPE + contentType.orElse("none"));
    }
    return Optional.empty();
  }

  private static boolean isJson(String contentType) {
    return contentType.toLowerCase(Locale.ROOT).split(";", 2)[0].trim().equals("application/json");
  }

  /**
   * Whether {@code origin}'s host and port are the {@code Host} the browser sent. The scheme is not
   * compared: behind a TLS-terminating proxy the server sees http while the page is https.
   */
  static boolean sameOrigin(String origin, String host) {
    try {
      URI uri = new URI(origin);
      if (uri.getHost() == null) {
        return false; // "null", the origin of sandboxed frames and files
      }
      String authority = uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
      return authority.equalsIgnoreCase(host) || withDefaultPort(uri).equalsIgnoreCase(host);
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  /** {@code Host: example.org:443} from a page at https://example.org. */
  private static String withDefaultPort(URI uri) {
    int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    return uri.getHost() + ":" + port;
  }
}
