package io.machinestate.protocol;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Puts an agent's bearer token on every request of the OkHttp client it is added to, SSE streams
 * included. Add it to the central server's client only, never to one that talks to anything else
 * (power strips, the GCE metadata server). OkHttp drops the header itself when a redirect leaves
 * the server's host. OkHttp is an optional dependency of this module: only the agents load this.
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
