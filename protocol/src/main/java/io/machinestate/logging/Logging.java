package io.machinestate.logging;

/** The logging set-up every program of the fleet shares. */
public final class Logging {
  private Logging() {}

  /**
   * Installs {@link ShutdownSafeLogManager} and a one-line log format, unless the command line chose
   * others. Must run before anything touches java.util.logging: first thing in main, before any
   * static Logger. It lives apart from the manager because initializing a LogManager subclass would
   * initialize LogManager itself, too early.
   */
  public static void install() {
    if (System.getProperty("java.util.logging.manager") == null) {
      System.setProperty("java.util.logging.manager", "io.machinestate.logging.ShutdownSafeLogManager");
    }
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT.%1$tL %1$tZ %4$s %3$s: %5$s%6$s%n");
    }
  }
}
