package io.machinestate.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerResponse;

/** Writes JSON replies. */
public final class Responses {
  private final ObjectMapper json;

  public Responses(ObjectMapper json) {
    this.json = json;
  }

  public void json(ServerResponse res, Object value) {
    try {
      res.header(HeaderValues.CONTENT_TYPE_JSON).send(json.writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode reply", e);
    }
  }

  public String string(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }
}
