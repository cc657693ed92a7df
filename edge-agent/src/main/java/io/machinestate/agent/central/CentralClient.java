package io.machinestate.agent.central;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import io.machinestate.protocol.Paths;
import io.machinestate.protocol.ServerFailure;
import java.io.IOException;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** The central server's API as the edge agent uses it: post an Event, get this machine's Description. */
public final class CentralClient {
  private static final MediaType JSON = MediaType.get("application/json");

  private final OkHttpClient client;
  private final HttpUrl server;
  private final String machineId;
  private final ObjectMapper mapper;

  public CentralClient(OkHttpClient client, HttpUrl server, String machineId, ObjectMapper mapper) {
    this.client = client;
    this.server = server;
    this.machineId = machineId;
    this.mapper = mapper;
  }

  public OkHttpClient httpClient() {
    return client;
  }

  public String machineId() {
    return machineId;
  }

  /** The server's URL for an API path such as {@link Paths#machineSse}. */
  public HttpUrl url(String pathAndQuery) {
    return HttpUrl.get(server.toString().replaceAll("/+$", "") + pathAndQuery);
  }

  /**
   * Posts an event; returns when the server has committed it.
   *
   * @throws ServerException when the server answers with an error status
   * @throws IOException when the server cannot be reached
   */
  public void postEvent(Event event) throws IOException {
    Request request = new Request.Builder()
        .url(url(Paths.MACHINE_EVENT))
        .post(RequestBody.create(mapper.writeValueAsBytes(event), JSON))
        .build();
    try (Response response = client.newCall(request).execute()) {
      if (!response.isSuccessful()) {
        throw error("POST " + Paths.MACHINE_EVENT, response);
      }
    }
  }

  /**
   * This machine's Description; empty when the server does not know the machine yet, which is
   * normal before its first event.
   */
  public Optional<Description> description() throws IOException {
    String path = Paths.withId(Paths.MACHINE_DESCRIPTION, machineId);
    Request request = new Request.Builder().url(url(path)).get().build();
    try (Response response = client.newCall(request).execute()) {
      if (response.code() == 404) {
        return Optional.empty();
      }
      if (!response.isSuccessful()) {
        throw error("GET " + path, response);
      }
      return Optional.of(parseDescription(response.body().string()));
    }
  }

  /** Parses a Description, as the server sends it in a response or an SSE message. */
  public Description parseDescription(String json) throws IOException {
    Description d = mapper.readValue(json, Description.class);
    if (d == null) {
      throw new IOException("the server sent null instead of a Description");
    }
    return d;
  }

  private static ServerException error(String what, Response response) throws IOException {
    return new ServerException(what + ": " + ServerFailure.describe(response), response.code());
  }
}
