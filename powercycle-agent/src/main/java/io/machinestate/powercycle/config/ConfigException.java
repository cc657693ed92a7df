package io.machinestate.powercycle.config;

/** The configuration file cannot be used; the message names the file and the place in it. */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
