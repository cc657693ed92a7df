package io.machinestate.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.machinestate.protocol.MachineIds;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads what a request carries: a bounded JSON body and a checked machine id. */
public final class RequestReader {
  /** Larger bodies are refused with 413: a Description is a few KiB, an Event a few tens. */
  public static final int MAX_BODY_BYTES = 1 << 20;
  private final ObjectMapper json;

  /**
   * Keys of request bodies match case-insensitively, as Go's decoder matched them: Go tools and
   * scripts that send {@code {"message": ...}} for {@code Message} keep working. Replies keep
   * their exact keys.
   */
  public RequestReader(JsonMapper json) {
    this.json = json.rebuild().enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES).build();
  }

  /** The body as {@code type}; 400 when it is not valid JSON for it, 413 when too large. */
  public <T> T body(ServerRequest req, Class<T> type) {
    return parse(text(req), type);
  }

  /** The body as text (UTF-8), "" when there is none; 413 when too large. */
  public String text(ServerRequest req) {
    return new String(bytes(req), StandardCharsets.UTF_8);
  }

  /** {@code text} as {@code type}; 400 when it is not valid JSON for it. */
  public <T> T parse(String text, Class<T> type) {
    if (text.isEmpty()) {
      throw new HttpException("request body is empty: want a JSON " + type.getSimpleName(), Status.BAD_REQUEST_400);
    }
    try {
      T value = json.readValue(text, type);
      if (value == null) {
        throw new HttpException("request body is null: want a JSON " + type.getSimpleName(), Status.BAD_REQUEST_400);
      }
      return value;
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new HttpException("invalid " + type.getSimpleName() + ": " + cause.getMessage(), Status.BAD_REQUEST_400);
    } catch (JsonProcessingException e) {
      throw new HttpException("invalid " + type.getSimpleName() + " JSON: " + e.getOriginalMessage()
          + location(e), Status.BAD_REQUEST_400);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code id} path parameter, checked by {@link MachineIds}; 400 when it is not a valid id. */
  public static String machineId(ServerRequest req) {
    return checkedId(req.path().pathParameters().first("id").orElse(""));
  }

  /** 400 unless {@code id} is a valid machine id. */
  public static String checkedId(String id) {
    String problem = MachineIds.problem(id);
    if (problem != null) {
      throw new HttpException(problem, Status.BAD_REQUEST_400);
    }
    return id;
  }

  private static byte[] bytes(ServerRequest req) {
    if (!req.content().hasEntity()) {
      return new byte[0];
    }
    try (InputStream in = req.content().inputStream()) {
      byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
      if (bytes.length > MAX_BODY_BYTES) {
        throw tooLarge();
      }
      ConnectionGuard.bodyRead(req);
      return bytes;
    } catch (IOException | RuntimeException e) {
      if (e instanceof HttpException h) {
        throw h;
      }
      if (e instanceof UncheckedIOException || e instanceof IOException) {
        // the connection is gone: the client left (not worth a line, as with an SSE follower leaving)
        // or ConnectionGuard cut it (and said so); as an I/O error, Helidon closes it without a stack trace
        throw e instanceof UncheckedIOException u ? u : new UncheckedIOException((IOException) e);
      }
      // Helidon refuses a chunked body past the listener's maximum as it reads it, with no message
      if (e instanceof RequestException r && r.status() == Status.REQUEST_ENTITY_TOO_LARGE_413) {
        throw tooLarge();
      }
      throw new HttpException("cannot read request body: " + e.getMessage(), Status.BAD_REQUEST_400);
    }
  }

  private static HttpException tooLarge() {
    return new HttpException("request body is larger than " + MAX_BODY_BYTES + " bytes", Status.REQUEST_ENTITY_TOO_LARGE_413);
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null ? ""
        : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
  }
}
