package io.machinestate.agent.swarming;

import okhttp3.HttpUrl;

/**
 * The Swarming servers a Skia bot may belong to; its id's prefix says which, as Skia's lab names
 * its hosts: {@code skia-i-} internal, {@code skia-d-} dev, any other the public one.
 */
public record SwarmingServers(HttpUrl publicServer, HttpUrl internal, HttpUrl dev) {
  public static final String PUBLIC = "https://chromium-swarm.appspot.com";
  public static final String INTERNAL = "https://chrome-swarming.appspot.com";
  public static final String DEV = "https://chromium-swarm-dev.appspot.com";

  public HttpUrl forBot(String botId) {
    if (botId.startsWith("skia-i-")) {
      return internal;
    }
    return botId.startsWith("skia-d-") ? dev : publicServer;
  }

  /** Where the bot's code is served: /bot_code, the zip itself rather than /bootstrap's script. */
  public HttpUrl botCode(String botId) {
    return forBot(botId).newBuilder().addPathSegment("bot_code").build();
  }
}
