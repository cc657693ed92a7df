package io.machinestate.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The central server's record of one machine, as JSON with the Go implementation's PascalCase keys.
 *
 * <p>{@code Dimensions} is never null; {@code Temperature} and {@code SuppliedDimensions} may be,
 * and stay so on the wire. {@code TaskRequest} is kept opaque and omitted when absent.
 */
public record Description(
    @JsonProperty("MaintenanceMode") String maintenanceMode,
    @JsonProperty("IsQuarantined") boolean isQuarantined,
    @JsonProperty("Recovering") String recovering,
    @JsonProperty("AttachedDevice") AttachedDevice attachedDevice,
    @JsonProperty("Annotation") Annotation annotation,
    @JsonProperty("Note") Annotation note,
    @JsonProperty("Version") String version,
    @JsonProperty("PowerCycle") boolean powerCycle,
    @JsonProperty("PowerCycleState") PowerCycleState powerCycleState,
    @JsonProperty("LastUpdated") Instant lastUpdated,
    @JsonProperty("Battery") int battery,
    @JsonProperty("Temperature") Map<String, Double> temperature,
    @JsonProperty("RunningSwarmingTask") boolean runningSwarmingTask,
    @JsonProperty("LaunchedSwarming") boolean launchedSwarming,
    @JsonProperty("RecoveryStart") Instant recoveryStart,
    @JsonProperty("DeviceUptime") int deviceUptime,
    @JsonProperty("SSHUserIP") String sshUserIP,
    @JsonProperty("SuppliedDimensions") Map<String, List<String>> suppliedDimensions,
    @JsonProperty("Dimensions") Map<String, List<String>> dimensions,
    @JsonProperty("TaskRequest") @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode taskRequest,
    @JsonProperty("TaskStarted") Instant taskStarted) {

  public Description {
    maintenanceMode = orEmpty(maintenanceMode);
    recovering = orEmpty(recovering);
    attachedDevice = attachedDevice == null ? AttachedDevice.NODEVICE : attachedDevice;
    annotation = annotation == null ? Annotation.EMPTY : annotation;
    note = note == null ? Annotation.EMPTY : note;
    version = orEmpty(version);
    powerCycleState = powerCycleState == null ? PowerCycleState.NOT_AVAILABLE : powerCycleState;
    lastUpdated = lastUpdated == null ? Times.ZERO : lastUpdated;
    recoveryStart = recoveryStart == null ? Times.ZERO : recoveryStart;
    sshUserIP = orEmpty(sshUserIP);
    dimensions = dimensions == null ? new TreeMap<>() : dimensions;
    taskStarted = taskStarted == null ? Times.ZERO : taskStarted;
  }

  /** A machine seen for the first time, as the Go server's {@code NewDescription} made it. */
  public static Description newDescription(Instant now) {
    return builder().lastUpdated(now).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The most specific (last) value of a dimension, or "" when absent. */
  public String dimension(String key) {
    List<String> values = dimensions.get(key);
    return values == null || values.isEmpty() ? "" : values.get(values.size() - 1);
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  /** Changes a few fields of a Description, the others kept. */
  public static final class Builder {
    private String maintenanceMode;
    private boolean isQuarantined;
    private String recovering;
    private AttachedDevice attachedDevice;
    private Annotation annotation;
    private Annotation note;
    private String version;
    private boolean powerCycle;
    private PowerCycleState powerCycleState;
    private Instant lastUpdated;
    private int battery;
    private Map<String, Double> temperature;
    private boolean runningSwarmingTask;
    private boolean launchedSwarming;
    private Instant recoveryStart;
    private int deviceUptime;
    private String sshUserIP;
    private Map<String, List<String>> suppliedDimensions;
    private Map<String, List<String>> dimensions;
    private JsonNode taskRequest;
    private Instant taskStarted;

    private Builder() {}

    private Builder(Description d) {
      maintenanceMode = d.maintenanceMode;
      isQuarantined = d.isQuarantined;
      recovering = d.recovering;
      attachedDevice = d.attachedDevice;
      annotation = d.annotation;
      note = d.note;
      version = d.version;
      powerCycle = d.powerCycle;
      powerCycleState = d.powerCycleState;
      lastUpdated = d.lastUpdated;
      battery = d.battery;
      temperature = d.temperature;
      runningSwarmingTask = d.runningSwarmingTask;
      launchedSwarming = d.launchedSwarming;
      recoveryStart = d.recoveryStart;
      deviceUptime = d.deviceUptime;
      sshUserIP = d.sshUserIP;
      suppliedDimensions = d.suppliedDimensions;
      dimensions = d.dimensions;
      taskRequest = d.taskRequest;
      taskStarted = d.taskStarted;
    }

    public Builder maintenanceMode(String v) { maintenanceMode = v; return this; }
    public Builder isQuarantined(boolean v) { isQuarantined = v; return this; }
    public Builder recovering(String v) { recovering = v; return this; }
    public Builder attachedDevice(AttachedDevice v) { attachedDevice = v; return this; }
    public Builder annotation(Annotation v) { annotation = v; return this; }
    public Builder note(Annotation v) { note = v; return this; }
    public Builder version(String v) { version = v; return this; }
    public Builder powerCycle(boolean v) { powerCycle = v; return this; }
    public Builder powerCycleState(PowerCycleState v) { powerCycleState = v; return this; }
    public Builder lastUpdated(Instant v) { lastUpdated = v; return this; }
    public Builder battery(int v) { battery = v; return this; }
    public Builder temperature(Map<String, Double> v) { temperature = v; return this; }
    public Builder runningSwarmingTask(boolean v) { runningSwarmingTask = v; return this; }
    public Builder launchedSwarming(boolean v) { launchedSwarming = v; return this; }
    public Builder recoveryStart(Instant v) { recoveryStart = v; return this; }
    public Builder deviceUptime(int v) { deviceUptime = v; return this; }
    public Builder sshUserIP(String v) { sshUserIP = v; return this; }
    public Builder suppliedDimensions(Map<String, List<String>> v) { suppliedDimensions = v; return this; }
    public Builder dimensions(Map<String, List<String>> v) { dimensions = v; return this; }
    public Builder taskRequest(JsonNode v) { taskRequest = v; return this; }
    public Builder taskStarted(Instant v) { taskStarted = v; return this; }

    public Description build() {
      return new Description(maintenanceMode, isQuarantined, recovering, attachedDevice, annotation,
          note, version, powerCycle, powerCycleState, lastUpdated, battery, temperature,
          runningSwarmingTask, launchedSwarming, recoveryStart, deviceUptime, sshUserIP,
          suppliedDimensions, dimensions, taskRequest, taskStarted);
    }
  }
}
