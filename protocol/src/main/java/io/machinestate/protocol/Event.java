package io.machinestate.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * What an edge agent saw of its host and device, with the Go implementation's snake_case keys.
 * Missing sub-records read as their zero value, as Go's non-pointer structs do.
 */
public record Event(
    @JsonProperty("type") String type,
    @JsonProperty("android") Android android,
    @JsonProperty("chromeos") ChromeOS chromeos,
    @JsonProperty("ios") IOS ios,
    @JsonProperty("pyocd") PyOCD pyocd,
    @JsonProperty("standalone") Standalone standalone,
    @JsonProperty("host") Host host,
    @JsonProperty("running_swarming_task") boolean runningSwarmingTask,
    @JsonProperty("forced_quarantine") boolean forcedQuarantine,
    @JsonProperty("launched_swarming") boolean launchedSwarming) {

  /** The only event type that changes a Description. */
  public static final String RAW_STATE = "raw_state";

  public Event {
    type = type == null ? "" : type;
    android = android == null ? Android.EMPTY : android;
    chromeos = chromeos == null ? ChromeOS.EMPTY : chromeos;
    ios = ios == null ? IOS.EMPTY : ios;
    pyocd = pyocd == null ? PyOCD.EMPTY : pyocd;
    standalone = standalone == null ? Standalone.EMPTY : standalone;
    host = host == null ? Host.EMPTY : host;
  }

  /** A raw_state event of a host with no sub-record populated yet. */
  public static Event rawState(Host host) {
    return new Event(RAW_STATE, null, null, null, null, null, host, false, false, false);
  }

  public Event withAndroid(Android a) {
    return with(f -> f.android = a);
  }

  public Event withChromeOS(ChromeOS c) {
    return with(f -> f.chromeos = c);
  }

  public Event withIOS(IOS i) {
    return with(f -> f.ios = i);
  }

  public Event withPyOCD(PyOCD p) {
    return with(f -> f.pyocd = p);
  }

  public Event withStandalone(Standalone s) {
    return with(f -> f.standalone = s);
  }

  public Event withFlags(boolean running, boolean forcedQuarantine, boolean launched) {
    return with(f -> {
      f.runningSwarmingTask = running;
      f.forcedQuarantine = forcedQuarantine;
      f.launchedSwarming = launched;
    });
  }

  /** A copy with what {@code change} sets; the one place that lists every field. */
  private Event with(Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return new Event(f.type, f.android, f.chromeos, f.ios, f.pyocd, f.standalone, f.host, f.runningSwarmingTask,
        f.forcedQuarantine, f.launchedSwarming);
  }

  private static final class Fields {
    String type;
    Android android;
    ChromeOS chromeos;
    IOS ios;
    PyOCD pyocd;
    Standalone standalone;
    Host host;
    boolean runningSwarmingTask;
    boolean forcedQuarantine;
    boolean launchedSwarming;

    Fields(Event e) {
      type = e.type;
      android = e.android;
      chromeos = e.chromeos;
      ios = e.ios;
      pyocd = e.pyocd;
      standalone = e.standalone;
      host = e.host;
      runningSwarmingTask = e.runningSwarmingTask;
      forcedQuarantine = e.forcedQuarantine;
      launchedSwarming = e.launchedSwarming;
    }
  }

  public record Android(
      @JsonProperty("getprop") String getprop,
      @JsonProperty("dumpsys_battery") String dumpsysBattery,
      @JsonProperty("dumpsys_thermal_service") String dumpsysThermalService,
      @JsonProperty("uptime") Duration uptime) {
    public static final Android EMPTY = new Android("", "", "", Duration.ZERO);

    public Android {
      getprop = orEmpty(getprop);
      dumpsysBattery = orEmpty(dumpsysBattery);
      dumpsysThermalService = orEmpty(dumpsysThermalService);
      uptime = uptime == null ? Duration.ZERO : uptime;
    }

    public boolean populated() {
      return uptime.compareTo(Duration.ZERO) > 0;
    }
  }

  public record ChromeOS(
      @JsonProperty("channel") String channel,
      @JsonProperty("milestone") String milestone,
      @JsonProperty("release_version") String releaseVersion,
      @JsonProperty("uptime") Duration uptime) {
    public static final ChromeOS EMPTY = new ChromeOS("", "", "", Duration.ZERO);

    public ChromeOS {
      channel = orEmpty(channel);
      milestone = orEmpty(milestone);
      releaseVersion = orEmpty(releaseVersion);
      uptime = uptime == null ? Duration.ZERO : uptime;
    }

    public boolean populated() {
      return uptime.compareTo(Duration.ZERO) > 0;
    }
  }

  public record IOS(
      @JsonProperty("version") String version,
      @JsonProperty("device_type") String deviceType,
      @JsonProperty("battery") int battery) {
    public static final IOS EMPTY = new IOS("", "", 0);

    public IOS {
      version = orEmpty(version);
      deviceType = orEmpty(deviceType);
    }

    public boolean populated() {
      return !deviceType.isEmpty();
    }
  }

  public record PyOCD(@JsonProperty("device_type") String deviceType) {
    public static final PyOCD EMPTY = new PyOCD("");

    public PyOCD {
      deviceType = orEmpty(deviceType);
    }

    public boolean populated() {
      return !deviceType.isEmpty();
    }
  }

  public record Standalone(
      @JsonProperty("cores") int cores,
      @JsonProperty("cpus") List<String> cpus,
      @JsonProperty("gpus") List<String> gpus,
      @JsonProperty("os_versions") List<String> osVersions,
      @JsonProperty("gce") boolean gce,
      @JsonProperty("machine_type") String machineType,
      @JsonProperty("docker_installed") boolean dockerInstalled) {
    public static final Standalone EMPTY = new Standalone(0, null, null, null, false, "", false);

    public Standalone {
      machineType = orEmpty(machineType);
    }

    public boolean populated() {
      return cores > 0;
    }
  }

  public record Host(
      @JsonProperty("name") String name,
      @JsonProperty("version") String version,
      @JsonProperty("start_time") Instant startTime) {
    public static final Host EMPTY = new Host("", "", Times.ZERO);

    public Host {
      name = orEmpty(name);
      version = orEmpty(version);
      startTime = startTime == null ? Times.ZERO : startTime;
    }
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
