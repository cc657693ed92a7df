package io.machinestate.agent.report;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A task asks for its machine to be quarantined by creating {@code $HOME/<machine id>.force_quarantine};
 * the request is taken (the file deleted) by the next event.
 */
public final class ForcedQuarantine {
  private static final System.Logger LOG = System.getLogger(ForcedQuarantine.class.getName());

  private final Path file;

  public ForcedQuarantine(Path home, String machineId) {
    this.file = home.resolve(machineId + ".force_quarantine");
  }

  /** Whether a quarantine was requested since the last call. */
  public boolean take() {
    if (!Files.exists(file)) {
      return false;
    }
    LOG.log(Level.WARNING, "Forced quarantine requested by {0}", file);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.log(Level.ERROR, "Cannot delete {0}, the quarantine will be requested again: {1}", file, e.getMessage());
    }
    return true;
  }
}
