package io.machinestate.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.machinestate.server.auth.LoginStatusService.Status;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LoginStatusServiceTest {
  private static final Pattern NONE = Pattern.compile("");

  @Test
  void peopleCarryGoRoleNames() {
    assertEquals(new Status("ann@example.org", List.of("viewer"), "viewer"),
        LoginStatusService.of(new Principal("ann@example.org", Role.VIEWER, NONE)));
    assertEquals(new Status("bob@example.org", List.of("viewer", "editor"), "editor"),
        LoginStatusService.of(new Principal("bob@example.org", Role.EDITOR, NONE)));
  }

  @Test
  void agentsHaveNoGoRole() {
    assertEquals(new Status("rack4-agents", List.of(), "agent"),
        LoginStatusService.of(new Principal("rack4-agents", Role.AGENT, Pattern.compile("skia-rpi-.*"))));
    assertEquals(new Status("relays", List.of(), "powercycle"),
        LoginStatusService.of(new Principal("relays", Role.POWERCYCLE, Pattern.compile(".*"))));
  }

  @Test
  void withoutAuthenticationNobodyIsLoggedInAndAllMayEdit() {
    assertEquals(new Status("", List.of("viewer", "editor"), "open"), LoginStatusService.of(Principal.ANONYMOUS));
  }
}
