package io.machinestate.server.store;

/**
 * Who makes a change and, for the actions that are audited (an operator's, a power-cycle
 * completion or state update), what was asked: the action's name and the request body.
 */
public record Change(String user, String action, String body, boolean audited) {
  /** A change that only the machine's history records, such as an agent's event. */
  public static Change by(String user) {
    return new Change(user, "", "", false);
  }

  public static Change audited(String user, String action, String body) {
    return new Change(user, action, body == null ? "" : body, true);
  }
}
