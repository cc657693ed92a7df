package io.machinestate.server.console;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.staticcontent.StaticContentService;

/**
 * The operators' web console at {@code /}: static HTML, CSS and JavaScript modules from the jar's
 * {@code web/} folder. The files hold no data, so they are served without credentials: a browser
 * cannot attach a bearer token to a page load, and the page asks for the token itself.
 */
public final class ConsoleService implements HttpService {
  static final String ASSETS = "/console/";

  /**
   * Only this server's own files run in the page, and no other site may frame it (so none can
   * trick an operator into clicking its buttons).
   */
  private static final String POLICY =
      "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  /** True for the paths of the console's files. */
  public static boolean isPublic(String path) {
    return path.equals("/") || path.equals("/index.html") || path.startsWith(ASSETS);
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/", this::secure)
        .get("/index.html", this::secure)
        .get(ASSETS + "*", this::secure)
        .register(StaticContentService.builder("web").welcomeFileName("index.html").build());
  }

  private void secure(ServerRequest req, ServerResponse res) {
    res.header(HeaderValues.create("Content-Security-Policy", POLICY))
        .header(HeaderValues.create("X-Content-Type-Options", "nosniff"))
        .header(HeaderValues.create("Referrer-Policy", "same-origin"));
    res.next();
  }
}
