package io.machinestate.server.processor;

import io.machinestate.protocol.Annotation;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * Turns an agent's {@link Event} into the machine's next {@link Description} (SPEC §4). Pure: the
 * result depends only on the arguments, and the previous Description and its maps are not changed.
 *
 * <p>The rules here leave a dimension empty when they have nothing for it; the store's write rules
 * (dropping empty dimensions, task_type, pool, quarantined, millisecond times) apply afterwards.
 *
 * <p>Where SPEC §4 and the Go server read device output differently, this follows the Go server, so
 * that a lab migrating host by host gets the same Descriptions from both (see README.md,
 * "Differences from the Go server", for what deliberately differs). This changes these rules:
 *
 * <ul>
 *   <li>thermalservice: a temperature line may begin with several tabs; sensors whose {@code
 *       mType} is negative are skipped like negative values ({@link ThermalService});
 *   <li>dumpsys battery: {@code level}, {@code scale} and {@code temperature} need whitespace
 *       after the colon, and the first occurrence counts ({@link DumpsysBattery});
 *   <li>device_os gains the first character of each entry when it is ASCII and not a lower-case
 *       letter, so a build id starting with a digit adds that digit ({@link AndroidProperties});
 *   <li>iOS recovers with "Battery low. " (trailing space);
 *   <li>missing device: a recovering machine whose Description names no device (no device_type,
 *       no SSHUserIP) stays recovering with its old reason instead of leaving recovery.
 * </ul>
 *
 * <p>Also beyond SPEC §4: while a machine stays in recovery its Recovering follows the latest reason
 * (the Go server kept the first one, except for a missing device); the start time and annotation
 * keep marking when recovery began.
 */
public final class Processor {
  static final String LEAVING_RECOVERY = "Leaving recovery mode.";
  static final String BATTERY_LOW = "Battery low.";
  /** The Go server's iOS reason, trailing space and all: Swarming sees it in the quarantined dimension. */
  static final String IOS_BATTERY_LOW = "Battery low. ";
  static final String TOO_HOT = "Too hot.";

  private static final int MIN_BATTERY_PERCENT = 30;
  private static final double MAX_TEMPERATURE_CELSIUS = 35;
  private static final String BATTERY_TEMPERATURE_SENSOR = "dumpsys_battery";
  /** Some devices report battery charge cycles as a "temperature"; it says nothing about heat. */
  private static final String BATTERY_CYCLE_SENSOR = "battery_cycle";

  private final String serverUser;

  /** @param serverUser the user name that automatic annotations carry */
  public Processor(String serverUser) {
    this.serverUser = Objects.requireNonNull(serverUser, "serverUser");
  }

  /** Whether {@link #process} acts on this event; it returns any other event's Description as is. */
  public static boolean handles(Event event) {
    return Event.RAW_STATE.equals(event.type());
  }

  /**
   * The new Description of a machine after event, at time now. previous is never null: for a
   * machine seen first the caller passes {@code Description.newDescription(now)}.
   */
  public Description process(Description previous, Event event, Instant now) {
    if (!handles(event)) {
      return previous;
    }
    Change change = new Change(previous, event, now);
    if (event.android().populated()) {
      android(change);
    } else if (event.chromeos().populated()) {
      chromeOS(change);
    } else if (event.ios().populated()) {
      iOS(change);
    } else if (event.pyocd().populated()) {
      pyOCD(change);
    } else if (event.standalone().populated()) {
      standalone(change);
    } else {
      missingDevice(change);
    }
    String version = event.host().version();
    change.dims.put(Dimensions.TMM_VERSION, Dimensions.one(version));
    change.next
        .dimensions(change.dims)
        .lastUpdated(now)
        .runningSwarmingTask(event.runningSwarmingTask())
        .launchedSwarming(event.launchedSwarming())
        .version(version);
    if (event.forcedQuarantine()) {
      change.next.isQuarantined(true);
    }
    return change.next.build();
  }

  /** What a rule works on: its inputs, and the Description and dimensions it is building. */
  private static final class Change {
    final Description previous;
    final Event event;
    final Instant now;
    final Description.Builder next;
    final Map<String, List<String>> dims;

    Change(Description previous, Event event, Instant now) {
      this.previous = previous;
      this.event = event;
      this.now = now;
      this.next = previous.toBuilder();
      this.dims = Dimensions.copy(previous.dimensions());
    }

    String hostName() {
      return event.host().name();
    }
  }

  private void android(Change c) {
    Event.Android android = c.event.android();
    c.dims.putAll(AndroidProperties.parse(android.getprop()).dimensions());
    c.dims.put(Dimensions.ID, Dimensions.one(c.hostName()));

    DumpsysBattery battery = DumpsysBattery.parse(android.dumpsysBattery());
    Map<String, Double> temperatures = new TreeMap<>(ThermalService.temperatures(android.dumpsysThermalService()));
    battery.temperature().ifPresent(t -> temperatures.put(BATTERY_TEMPERATURE_SENSOR, t));

    List<String> problems = new ArrayList<>();
    int percent = battery.percent();
    if (percent != DumpsysBattery.UNREADABLE && percent < MIN_BATTERY_PERCENT) {
      problems.add(BATTERY_LOW);
    }
    OptionalDouble hottest = hottest(temperatures);
    if (hottest.isPresent() && hottest.getAsDouble() > MAX_TEMPERATURE_CELSIUS) {
      problems.add(TOO_HOT);
    }
    c.next
        .battery(percent)
        .temperature(temperatures.isEmpty() ? null : temperatures)
        .deviceUptime(seconds(android.uptime()));
    recovery(c, String.join(" ", problems));
  }

  private static OptionalDouble hottest(Map<String, Double> temperatures) {
    return temperatures.entrySet().stream()
        .filter(e -> !e.getKey().equals(BATTERY_CYCLE_SENSOR))
        .mapToDouble(Map.Entry::getValue)
        .max();
  }

  private void chromeOS(Change c) {
    Event.ChromeOS chromeOS = c.event.chromeos();
    c.next.battery(0).temperature(null).deviceUptime(seconds(chromeOS.uptime()));
    // An operator supplies what cannot be read over ssh (cpu, gpu, ...); it overrides older values.
    c.dims.putAll(Dimensions.copy(c.previous.suppliedDimensions()));
    c.dims.put(Dimensions.OS, List.of("ChromeOS"));
    c.dims.put("chromeos_channel", Dimensions.one(chromeOS.channel()));
    c.dims.put("chromeos_milestone", Dimensions.one(chromeOS.milestone()));
    c.dims.put("release_version", Dimensions.one(chromeOS.releaseVersion()));
    recovery(c, "");
  }

  private void iOS(Change c) {
    Event.IOS ios = c.event.ios();
    // The bare "iOS" also tells the edge agent that an iOS device is attached.
    c.dims.put(Dimensions.OS, ios.version().isEmpty() ? List.of("iOS") : List.of("iOS", "iOS-" + ios.version()));
    c.dims.put(Dimensions.DEVICE_TYPE, Dimensions.one(ios.deviceType()));
    int battery = ios.battery();
    boolean low = battery != DumpsysBattery.UNREADABLE && battery < MIN_BATTERY_PERCENT;
    recovery(c, low ? IOS_BATTERY_LOW : "");
  }

  private void pyOCD(Change c) {
    c.next.battery(0).temperature(null).recovering("");
    c.dims.put(Dimensions.ID, Dimensions.one(c.hostName()));
    c.dims.put(Dimensions.DEVICE_TYPE, Dimensions.one(c.event.pyocd().deviceType()));
  }

  private void standalone(Change c) {
    Event.Standalone host = c.event.standalone();
    c.next.battery(0).temperature(null);
    c.dims.put(Dimensions.ID, Dimensions.one(c.hostName()));
    c.dims.put("cores", List.of(Integer.toString(host.cores())));
    c.dims.put(Dimensions.OS, Dimensions.list(host.osVersions()));
    c.dims.put("cpu", Dimensions.list(host.cpus()));
    c.dims.put("gpu", Dimensions.list(host.gpus()));
    c.dims.put("gce", host.gce() ? List.of("1") : List.of());
    c.dims.put("machine_type", host.gce() ? Dimensions.one(host.machineType()) : List.of());
    c.dims.put("docker_installed", host.dockerInstalled() ? List.of("true") : List.of());
  }

  /**
   * No sub-record: the agent could not read the device its Description names. The dimensions stay
   * as they were, so Swarming still sees what should be there while the machine is quarantined.
   * With no device to name, a machine that was recovering stays so for its old reason, as with the
   * Go server: a device that was unhealthy and then vanished has not shown that it is well.
   */
  private void missingDevice(Change c) {
    c.next.battery(0).temperature(null);
    c.dims.put(Dimensions.ID, Dimensions.one(c.hostName()));
    String message = c.previous.recovering();
    List<String> deviceType = c.previous.dimensions().get(Dimensions.DEVICE_TYPE);
    if (deviceType != null && !deviceType.isEmpty()) {
      message = "Device " + GoQuote.quote(deviceType) + " has gone missing";
    }
    if (!c.previous.sshUserIP().isEmpty()) {
      message = "Device " + GoQuote.quote(c.previous.sshUserIP()) + " has gone missing";
    }
    recovery(c, message);
  }

  /**
   * Enters recovery when there is a message and the machine was not recovering, leaves it when
   * there is none and it was. While it stays, the message follows the latest reason but the
   * start time and annotation keep marking when recovery began.
   */
  private void recovery(Change c, String message) {
    boolean wasRecovering = !c.previous.recovering().isEmpty();
    if (!message.isEmpty()) {
      c.next.recovering(message);
      if (!wasRecovering) {
        c.next.recoveryStart(c.now).annotation(new Annotation(message, serverUser, c.now));
      }
    } else if (wasRecovering) {
      c.next.recovering("").annotation(new Annotation(LEAVING_RECOVERY, serverUser, c.now));
    }
  }

  private static int seconds(Duration uptime) {
    return (int) Math.min(uptime.getSeconds(), Integer.MAX_VALUE);
  }
}
