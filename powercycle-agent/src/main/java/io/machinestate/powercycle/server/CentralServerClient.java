package io.machinestate.powercycle.server;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.machinestate.protocol.Paths;
import io.machinestate.protocol.PowerCycleState;
import io.machinestate.protocol.Requests.PowerCycleStateForMachine;
import io.machinestate.protocol.Requests.UpdatePowerCycleStateRequest;
import io.machinestate.protocol.ServerFailure;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** The central server's power-cycle API (SPEC §3). */
public final class CentralServerClient {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final TypeReference<List<String>> ID_LIST = new TypeReference<>() {};

  /** What the server said to a completion. */
  public enum Completion {
    ACCEPTED,
    /** The server does not know the machine (deleted meanwhile): nothing is left to complete. */
    UNKNOWN_MACHINE
  }

  /** A 403: our token is valid but may not do this, e.g. for a machine outside the token's pattern. */
  public static final class Forbidden extends IOException {
    Forbidden(String message) {
      super(message);
    }
  }

  private final HttpUrl base;
  private final OkHttpClient http;
  private final ObjectMapper json;

  public CentralServerClient(HttpUrl base, OkHttpClient http, ObjectMapper json) {
    this.base = base;
    this.http = http;
    this.json = json;
  }

  /** The ids of the machines with a power cycle requested. */
  public List<String> list() throws IOException {
    try (Response response = http.newCall(new Request.Builder().url(url(Paths.POWERCYCLE_LIST)).build()).execute()) {
      check(response, "listing power-cycle requests");
      return parseList(response.body().string());
    }
  }

  public Completion complete(String machine) throws IOException {
    Request request = new Request.Builder()
        .url(url(Paths.withId(Paths.POWERCYCLE_COMPLETE, machine)))
        .post(RequestBody.create(new byte[0], JSON))
        .build();
    try (Response response = http.newCall(request).execute()) {
      if (response.code() == 404) {
        return Completion.UNKNOWN_MACHINE;
      }
      check(response, "completing the power cycle of " + machine);
      return Completion.ACCEPTED;
    }
  }

  public void updateStates(Map<String, PowerCycleState> states) throws IOException {
    List<PowerCycleStateForMachine> machines = states.entrySet().stream()
        .map(e -> new PowerCycleStateForMachine(e.getKey(), e.getValue()))
        .toList();
    Request request = new Request.Builder()
        .url(url(Paths.POWERCYCLE_STATE_UPDATE))
        .post(RequestBody.create(json.writeValueAsBytes(new UpdatePowerCycleStateRequest(machines)), JSON))
        .build();
    try (Response response = http.newCall(request).execute()) {
      check(response, "updating power-cycle states");
    }
  }

  /** The push stream of the whole request list (new in this implementation). */
  HttpUrl streamUrl() {
    return url(Paths.POWERCYCLE_SSE);
  }

  /** Reads a {@code ListPowerCycleResponse}; Go's null list means empty. */
  List<String> parseList(String body) throws IOException {
    List<String> ids = json.readValue(body, ID_LIST);
    return ids == null ? List.of() : ids;
  }

  private HttpUrl url(String pathAndQuery) {
    return HttpUrl.get(base.toString().replaceAll("/+$", "") + pathAndQuery);
  }

  private static void check(Response response, String what) throws IOException {
    if (response.code() == 403) {
      throw new Forbidden(what + ": " + ServerFailure.describe(response));
    }
    if (!response.isSuccessful()) {
      throw new IOException(what + ": " + ServerFailure.describe(response));
    }
  }
}
