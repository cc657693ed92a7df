package io.machinestate.powercycle.controller;

import io.machinestate.powercycle.config.SynaccessConfig;
import java.io.IOException;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** A Synaccess strip: {@code GET <address>/cmd.cgi?$A3 <port> 0|1} with basic authentication. */
public final class SynaccessController extends PortController {
  private final SynaccessConfig config;
  private final OkHttpClient http;

  public SynaccessController(SynaccessConfig config, OkHttpClient http) {
    super("synaccess", config);
    this.config = config;
    this.http = http;
  }

  /** Fetches the strip's start page, as Go's smoke test did; wrong credentials count as a failure. */
  @Override
  public String probe() throws IOException {
    Request request = new Request.Builder()
        .url(config.address() + "/")
        .header("Authorization", Credentials.basic(config.user(), config.password()))
        .build();
    try (Response response = http.newCall(request).execute()) {
      if (!response.isSuccessful()) {
        throw new IOException(name() + ": " + config.address() + " answered HTTP " + response.code() + " " + response.message());
      }
      return "HTTP " + response.code();
    }
  }

  @Override
  void switchPort(int port, boolean on) throws IOException {
    // $A3 sets one outlet; it is the command most Synaccess models share.
    HttpUrl url = HttpUrl.get(config.address() + "/cmd.cgi?$A3%20" + port + "%20" + (on ? 1 : 0));
    Request request = new Request.Builder()
        .url(url)
        .header("Authorization", Credentials.basic(config.user(), config.password()))
        .build();
    try (Response response = http.newCall(request).execute()) {
      if (!response.isSuccessful()) {
        throw new IOException(name() + ": switching outlet " + port + (on ? " on" : " off")
            + " answered HTTP " + response.code() + " " + response.message());
      }
    }
  }
}
