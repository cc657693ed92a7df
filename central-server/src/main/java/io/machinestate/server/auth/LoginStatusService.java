package io.machinestate.server.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.machinestate.protocol.Paths;
import io.machinestate.server.http.Responses;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /loginstatus/}: who the caller is, in the shape the Go server's page and scripts read
 * ({@code alogin.Status}: {@code email}, and {@code roles} in Go's role names), plus this server's
 * {@code role}. Like every other path it needs a credential when authentication is configured.
 */
public final class LoginStatusService implements HttpService {
  /** Go's role names: an editor is also a viewer; agents have no Go role. */
  private static final List<String> VIEWER = List.of("viewer");
  private static final List<String> EDITOR = List.of("viewer", "editor");

  /** The reply. {@code email} is empty when nobody is logged in, as in Go. */
  public record Status(
      @JsonProperty("email") String email,
      @JsonProperty("roles") List<String> roles,
      @JsonProperty("role") String role) {}

  private final Responses responses;

  public LoginStatusService(Responses responses) {
    this.responses = responses;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get(Paths.LOGIN_STATUS, this::loginStatus);
  }

  private void loginStatus(ServerRequest req, ServerResponse res) {
    responses.json(res, of(Principal.of(req)));
  }

  static Status of(Principal principal) {
    String role = principal.role().name().toLowerCase(Locale.ROOT);
    return switch (principal.role()) {
      case VIEWER -> new Status(principal.name(), VIEWER, role);
      case EDITOR -> new Status(principal.name(), EDITOR, role);
      // Without authentication nobody is logged in, and everybody may do everything.
      case OPEN -> new Status("", EDITOR, role);
      case AGENT, POWERCYCLE -> new Status(principal.name(), List.of(), role);
    };
  }
}
