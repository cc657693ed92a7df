package io.machinestate.logging;

import java.util.logging.LogManager;

/**
 * java.util.logging's own shutdown hook silences logging, possibly before ours has logged which
 * machines it powered back on or that the server has drained. This manager ignores that reset;
 * console output is flushed per record, so nothing is lost. Installed by {@link Logging#install()}.
 */
public final class ShutdownSafeLogManager extends LogManager {
  @Override
  public void reset() {
    if (!shuttingDown()) {
      super.reset();
    }
  }

  private static boolean shuttingDown() {
    Thread probe = new Thread(() -> {});
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }
}
