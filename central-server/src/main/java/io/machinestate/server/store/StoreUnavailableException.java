package io.machinestate.server.store;

/** The database could not be reached or failed; nothing was written. */
public class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
