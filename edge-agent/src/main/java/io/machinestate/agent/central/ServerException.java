package io.machinestate.agent.central;

import io.machinestate.protocol.ServerFailure;
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

  /**
   * A server error or overload may pass, and so may a refusal of our credentials: the operator
   * fixes the token or the server's configuration without restarting the agent. Any other
   * rejected request would be rejected again.
   */
  public boolean retryable() {
    return status >= 500 || status == 408 || status == 429 || ServerFailure.refusedCredentials(status);
  }
}
