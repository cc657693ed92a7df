package io.machinestate.server.http;

import io.helidon.webserver.http.HttpRequest;
import io.machinestate.logging.LogText;

/** A request as log lines name it. */
public final class RequestLine {
  private RequestLine() {}

  /** The request's method and decoded path, the path escaped as the client wrote it. */
  public static String of(HttpRequest req) {
    return req.prologue().method() + " " + LogText.of(req.path().path());
  }
}
