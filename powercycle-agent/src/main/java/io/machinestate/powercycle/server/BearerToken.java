package io.machinestate.powercycle.server;

import io.machinestate.protocol.AgentToken;
import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Puts the agent's bearer token on every request of the client it is added to: the central
 * server's client only, never the one that talks to power strips. OkHttp drops the header itself
 * when a redirect leaves the server's host.
 */
public final class BearerToken implements Interceptor {
  private final String headerValue;

  public BearerToken(String token) {
    this.headerValue = AgentToken.headerValue(token);
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    return chain.proceed(chain.request().newBuilder().header(AgentToken.HEADER, headerValue).build());
  }

  @Override
  public String toString() {
    return "BearerToken[hidden]";
  }
}
