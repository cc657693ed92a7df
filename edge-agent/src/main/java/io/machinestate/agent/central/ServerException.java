package io.machinestate.agent.central;

import java.io.IOException;

/** The central server answered with an error status. */
public final class ServerException extends IOException {
  private final int status;

  public ServerException(String message, int status) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }

  /** A server error or overload may pass; a rejected request would be rejected again. */
  public boolean retryable() {
    return status >= 500 || status == 408 || status == 429;
  }
}
