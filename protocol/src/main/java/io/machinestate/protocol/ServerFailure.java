package io.machinestate.protocol;

import java.io.IOException;
import okhttp3.Response;

/**
 * What an unsuccessful answer of the central server says, for an agent's log line or error: its
 * status and the start of its body. OkHttp is an optional dependency of this module: only the
 * agents load this.
 */
public final class ServerFailure {
  /** Error bodies are plain messages; a longer one is not worth a log line. */
  public static final int MAX_CHARS = 500;

  private ServerFailure() {}

  /** A 401 or 403: the operator has to fix the token or the server's configuration. */
  public static boolean refusedCredentials(int status) {
    return status == 401 || status == 403;
  }

  /**
   * The status, named for what it is when our credentials were refused, and at most {@link
   * #MAX_CHARS} characters of the body. Only that much is read: a body may be huge or, from a
   * stream that failed, never end. The token itself is never part of it.
   */
  public static String describe(Response response) throws IOException {
    String text = response.peekBody(4L * MAX_CHARS).string().strip();
    if (text.length() > MAX_CHARS) {
      text = text.substring(0, MAX_CHARS) + "...";
    }
    String status = refusedCredentials(response.code())
        ? "the server refused our credentials: " + response.code()
        : "HTTP " + response.code();
    return text.isEmpty() ? status : status + " " + text;
  }
}
