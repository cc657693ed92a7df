package io.machinestate.server.auth;

import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import java.util.regex.Pattern;

/**
 * Who is making a request and what they may do. Agents and power-cycle agents speak only for the
 * machines their credential names, the way a Kubernetes kubelet may change only its own Node.
 *
 * @param machines the machine ids (full match) an agent or power-cycle agent speaks for
 */
public record Principal(String name, Role role, Pattern machines) {
  public static final Principal ANONYMOUS = new Principal("anonymous", Role.OPEN, Pattern.compile(".*"));

  /** The request's principal, set by {@link Authenticator}. */
  public static Principal of(ServerRequest req) {
    return req.context().get(Principal.class).orElseThrow(() ->
        new HttpException("no credentials", Status.UNAUTHORIZED_401));
  }

  public boolean mayRead() {
    return role == Role.VIEWER || role == Role.EDITOR || role == Role.OPEN;
  }

  public boolean mayOperate() {
    return role == Role.EDITOR || role == Role.OPEN;
  }

  /** Read and follow this machine's Description. */
  public boolean mayReadMachine(String machineId) {
    return mayRead() || (role == Role.AGENT && owns(machineId));
  }

  public boolean mayPostEvent(String machineId) {
    return role == Role.OPEN || (role == Role.AGENT && owns(machineId));
  }

  /** See the pending power cycles. */
  public boolean mayListPowerCycles() {
    return mayRead() || role == Role.POWERCYCLE;
  }

  /** Complete a power cycle, or report whether this machine can be power-cycled. */
  public boolean mayPowerCycle(String machineId) {
    return role == Role.OPEN || (role == Role.POWERCYCLE && owns(machineId));
  }

  private boolean owns(String machineId) {
    return machines.matcher(machineId).matches();
  }

  /** 403 unless {@code allowed}. */
  public void require(boolean allowed, String what) {
    if (!allowed) {
      throw new HttpException(name + " (" + role.name().toLowerCase() + ") may not " + what, Status.FORBIDDEN_403);
    }
  }
}
