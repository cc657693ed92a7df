package io.machinestate.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Whether a power-cycle agent can power-cycle a machine. */
public enum PowerCycleState {
  NOT_AVAILABLE("not_available"),
  AVAILABLE("available"),
  IN_ERROR("in_error");

  private final String wire;

  PowerCycleState(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  /** The empty string is Go's zero value and means the default, {@link #NOT_AVAILABLE}. */
  @JsonCreator
  public static PowerCycleState fromWire(String value) {
    if (value == null || value.isEmpty()) {
      return NOT_AVAILABLE;
    }
    for (PowerCycleState s : values()) {
      if (s.wire.equals(value)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "invalid PowerCycleState \"" + value + "\": want one of not_available, available, in_error");
  }
}
