package io.machinestate.agent.tools;

import java.io.IOException;

/** An external tool was missing, hung, or exited with an error; its stderr is kept for the caller. */
public final class ToolException extends IOException {
  private final String stderr;

  public ToolException(String message, String stderr) {
    super(message);
    this.stderr = stderr;
  }

  public ToolException(String message, Throwable cause) {
    super(message, cause);
    this.stderr = "";
  }

  /** What the tool wrote to stderr, possibly truncated; empty when it never ran. */
  public String stderr() {
    return stderr;
  }
}
