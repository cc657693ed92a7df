package io.machinestate.agent.device;

import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import java.io.IOException;

/** One kind of attached device (or the host itself): how to read it and how to reboot it. */
public interface Device {

  /**
   * Returns {@code event} with this device's sub-record filled in.
   *
   * @param description the machine's current Description, for the SSH address and the like
   * @throws IOException when the device is absent or cannot be read this round
   */
  Event read(Event event, Description description) throws IOException;

  /** Reboots the device after a task; devices that cannot be rebooted do nothing. */
  default void reboot(Description description) throws IOException {}
}
