package io.machinestate.protocol;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** URL paths of the central server's API, as the Go implementation serves them. */
public final class Paths {
  private Paths() {}

  public static final String MACHINE_EVENT = "/json/v1/machine/event/";
  public static final String MACHINE_DESCRIPTION = "/json/v1/machine/description/";
  /** Takes the machine id in the {@code stream} query parameter. */
  public static final String MACHINE_SSE = "/json/v1/machine/sse/description/updated";
  public static final String SSE_STREAM_PARAM = "stream";
  /**
   * New: an SSE stream of every machine's Description for viewers: a snapshot of the fleet, an
   * {@code event: synced} message, then every change; deletions as {@code event: deleted}.
   */
  public static final String DESCRIPTIONS_SSE = "/json/v1/machine/sse/descriptions";

  public static final String POWERCYCLE_LIST = "/json/v1/powercycle/list";
  public static final String POWERCYCLE_COMPLETE = "/json/v1/powercycle/complete/";
  public static final String POWERCYCLE_STATE_UPDATE = "/json/v1/powercycle/state/update";
  /**
   * New in this implementation: an SSE stream whose every message is the whole
   * {@code ListPowerCycleResponse}, sent on connect and on every change.
   */
  public static final String POWERCYCLE_SSE = "/json/v1/powercycle/sse/list";

  public static final String MACHINES = "/_/machines";
  public static final String TOGGLE_MODE = "/_/machine/toggle_mode/";
  public static final String TOGGLE_POWERCYCLE = "/_/machine/toggle_powercycle/";
  public static final String SET_ATTACHED_DEVICE = "/_/machine/set_attached_device/";
  public static final String REMOVE_DEVICE = "/_/machine/remove_device/";
  public static final String DELETE_MACHINE = "/_/machine/delete_machine/";
  public static final String SET_NOTE = "/_/machine/set_note/";
  public static final String SUPPLY_CHROMEOS = "/_/machine/supply_chromeos/";
  public static final String CLEAR_QUARANTINED = "/_/machine/clear_quarantined/";

  /** New: the audit trail; query parameters machine, user, action, since, until, limit, before. */
  public static final String AUDIT = "/json/v1/audit";
  /** New: one machine's state history, newest first; query parameters limit, before. */
  public static final String MACHINE_HISTORY = "/json/v1/machine/history/";

  /** Who the caller is, in the Go server's {@code {"email": ..., "roles": [...]}} shape. */
  public static final String LOGIN_STATUS = "/loginstatus/";

  /** 200 while the database answers: readiness. */
  public static final String HEALTHZ = "/healthz";
  /** 200 while the process serves HTTP, whatever its database does: liveness. */
  public static final String LIVEZ = "/livez";
  public static final String METRICS = "/metrics";

  /** A path of the form {@code prefix + id}, the id escaped for a single path segment. */
  public static String withId(String prefix, String machineId) {
    return prefix + encode(machineId);
  }

  /** The SSE path of one machine's Description. */
  public static String machineSse(String machineId) {
    return MACHINE_SSE + "?" + SSE_STREAM_PARAM + "=" + encode(machineId);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
