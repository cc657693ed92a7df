package io.machinestate.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** Who changed a machine, when, and why: the Annotation and Note of a {@link Description}. */
public record Annotation(
    @JsonProperty("Message") String message,
    @JsonProperty("User") String user,
    @JsonProperty("Timestamp") Instant timestamp) {

  public static final Annotation EMPTY = new Annotation("", "", Times.ZERO);

  public Annotation {
    message = message == null ? "" : message;
    user = user == null ? "" : user;
    timestamp = timestamp == null ? Times.ZERO : timestamp;
  }
}
