package io.machinestate.server.auth;

/** What a credential may do. */
public enum Role {
  /** Reads Descriptions, the power-cycle list, the audit trail and histories. */
  VIEWER,
  /** A viewer who may also take the operator actions and set notes. */
  EDITOR,
  /** An edge agent: posts events for, and reads and follows, its own machines only. */
  AGENT,
  /** A power-cycle agent: the power-cycle endpoints and stream, state updates for its own machines. */
  POWERCYCLE,
  /** No authentication is configured, on a loopback address: everything is allowed. */
  OPEN;

  public static Role parse(String s) {
    for (Role r : values()) {
      if (r != OPEN && r.name().equalsIgnoreCase(s)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown role \"" + s + "\": want viewer, editor, agent or powercycle");
  }
}
