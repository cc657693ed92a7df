package io.machinestate.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/** What happened to machines and who did it: the audit trail and the per-machine history. */
public final class Journal {
  private Journal() {}

  /** One audited action: an operator's, a power-cycle completion, a power-cycle state update. */
  public record AuditEntry(
      @JsonProperty("ID") String id,
      @JsonProperty("Time") Instant time,
      @JsonProperty("User") String user,
      @JsonProperty("Action") String action,
      @JsonProperty("MachineID") String machineId,
      @JsonProperty("Body") String body) {}

  /** One change of a machine's state, such as entering maintenance or a power cycle done. */
  public record HistoryEntry(
      @JsonProperty("Time") Instant time,
      @JsonProperty("Kind") String kind,
      @JsonProperty("Detail") String detail,
      @JsonProperty("User") String user) {}

  /**
   * A page of entries, newest first. {@code Next} is empty on the last page; otherwise pass it as
   * the {@code before} query parameter to get the following page.
   */
  public record Page<T>(@JsonProperty("Entries") List<T> entries, @JsonProperty("Next") String next) {}
}
