package io.machinestate.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** Request bodies of the JSON API. */
public final class Requests {
  private Requests() {}

  /** Body of {@code set_note}; the server adds the user and the time. */
  public record SetNoteRequest(@JsonProperty("Message") String message) {}

  /** Body of {@code supply_chromeos}; both fields are required. */
  public record SupplyChromeOSRequest(
      @JsonProperty("SSHUserIP") String sshUserIP,
      @JsonProperty("SuppliedDimensions") Map<String, List<String>> suppliedDimensions) {}

  /** Body of {@code set_attached_device}. */
  public record SetAttachedDevice(@JsonProperty("AttachedDevice") AttachedDevice attachedDevice) {}

  /** Body of {@code powercycle/state/update}. */
  public record UpdatePowerCycleStateRequest(
      @JsonProperty("Machines") List<PowerCycleStateForMachine> machines) {
    public UpdatePowerCycleStateRequest {
      machines = machines == null ? List.of() : machines;
    }
  }

  public record PowerCycleStateForMachine(
      @JsonProperty("MachineID") String machineID,
      @JsonProperty("PowerCycleState") PowerCycleState powerCycleState) {}
}
