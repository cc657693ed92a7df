package io.machinestate.agent.description;

import io.machinestate.protocol.Description;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * This machine's current Description: what the agent tells Swarming and which device it reads.
 * Every new one is saved; a change of the device to read triggers an interrogation at once.
 */
public final class DescriptionHolder implements Supplier<Description>, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(DescriptionHolder.class.getName());

  private final String machineId;
  private final SavedDescription saved;
  private final Runnable onDeviceChange;
  private volatile Description current;
  private boolean closed;

  /**
   * @param onDeviceChange called when AttachedDevice or SSHUserIP changes
   */
  public DescriptionHolder(String machineId, SavedDescription saved, Runnable onDeviceChange) {
    this.machineId = machineId;
    this.saved = saved;
    this.onDeviceChange = onDeviceChange;
    this.current = saved.load(machineId).orElseGet(() -> Description.builder().build());
  }

  @Override
  public Description get() {
    return current;
  }

  /** Takes a Description received from the server. */
  public void update(Description next) {
    Description previous;
    synchronized (this) {
      previous = current;
      if (closed || previous.equals(next)) {
        return;
      }
      current = next;
      try {
        saved.save(next);
      } catch (IOException e) {
        LOG.log(Level.WARNING, "Saving the Description of machine {0} failed: {1}", machineId, e.getMessage());
      }
    }
    if (!previous.maintenanceMode().equals(next.maintenanceMode())) {
      LOG.log(Level.INFO, "Machine {0} maintenance mode: \"{1}\"", machineId, next.maintenanceMode());
    }
    if (previous.attachedDevice() != next.attachedDevice() || !Objects.equals(previous.sshUserIP(), next.sshUserIP())) {
      LOG.log(Level.INFO, "Machine {0} now reads device {1} {2}", machineId, next.attachedDevice().wire(), next.sshUserIP());
      onDeviceChange.run();
    }
  }

  /** Takes no more Descriptions: a message still in flight when the agent stops is not saved. */
  @Override
  public synchronized void close() {
    closed = true;
  }
}
