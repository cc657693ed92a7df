package io.machinestate.agent.report;

import io.machinestate.agent.device.Device;
import io.machinestate.protocol.AttachedDevice;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Builds an Event from the host and the device its Description names. A device that cannot be read
 * is left out of the event, which is how the server learns that it has gone missing.
 */
public final class Interrogator {
  private static final System.Logger LOG = System.getLogger(Interrogator.class.getName());

  private final Event.Host host;
  private final Map<AttachedDevice, Device> devices;
  private final Supplier<Description> description;
  private final BooleanSupplier runningTask;
  private final boolean launchedSwarming;
  private final ForcedQuarantine forcedQuarantine;

  public Interrogator(Event.Host host, Map<AttachedDevice, Device> devices, Supplier<Description> description,
      BooleanSupplier runningTask, boolean launchedSwarming, ForcedQuarantine forcedQuarantine) {
    this.host = host;
    this.devices = Map.copyOf(devices);
    this.description = description;
    this.runningTask = runningTask;
    this.launchedSwarming = launchedSwarming;
    this.forcedQuarantine = forcedQuarantine;
  }

  public Event interrogate() {
    Description d = description.get();
    Event event = Event.rawState(host)
        .withFlags(runningTask.getAsBoolean(), forcedQuarantine.take(), launchedSwarming);
    Device device = devices.get(d.attachedDevice());
    if (device == null) {
      LOG.log(Level.ERROR, "Machine {0}: no reader for attached device {1}", host.name(), d.attachedDevice().wire());
      return event;
    }
    try {
      return device.read(event, d);
    } catch (Exception e) {
      LOG.log(Level.WARNING, "Machine {0}: {1} device absent this round: {2}", host.name(), d.attachedDevice().wire(), e.getMessage());
      return event;
    }
  }
}
