package io.machinestate.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The JSON mapping shared by all programs: Go's encodings of times (RFC 3339, nanoseconds) and
 * durations (integer nanoseconds), map keys sorted as Go's encoder sorts them, unknown keys ignored.
 */
public final class Json {
  private Json() {}

  /** A new mapper; it is thread-safe, so make one per program and share it. */
  public static JsonMapper newMapper() {
    SimpleModule goTypes = new SimpleModule("go-types")
        .addSerializer(Instant.class, new InstantSerializer())
        .addDeserializer(Instant.class, new InstantDeserializer())
        .addSerializer(Duration.class, new DurationSerializer())
        .addDeserializer(Duration.class, new DurationDeserializer());
    // Jackson keeps its buffers per thread by default: every virtual thread (a request, an SSE
    // stream) would allocate its own, and a stream would hold them for its whole life.
    JsonFactory factory = JsonFactory.builder().recyclerPool(JsonRecyclerPools.newConcurrentDequePool()).build();
    return JsonMapper.builder(factory)
        .addModule(goTypes)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
        .build();
  }

  private static final class InstantSerializer extends JsonSerializer<Instant> {
    @Override
    public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeString(Times.format(value));
    }
  }

  private static final class InstantDeserializer extends JsonDeserializer<Instant> {
    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      String text = p.getValueAsString();
      try {
        return Times.parse(text);
      } catch (DateTimeParseException | NullPointerException e) {
        return (Instant) ctx.handleWeirdStringValue(Instant.class, text, "not an RFC 3339 time");
      }
    }

    @Override
    public Instant getNullValue(DeserializationContext ctx) {
      return Times.ZERO;
    }
  }

  private static final class DurationSerializer extends JsonSerializer<Duration> {
    @Override
    public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeNumber(value.toNanos());
    }
  }

  private static final class DurationDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
        return (Duration) ctx.handleUnexpectedToken(Duration.class, p);
      }
      return Duration.ofNanos(p.getLongValue());
    }

    @Override
    public Duration getNullValue(DeserializationContext ctx) {
      return Duration.ZERO;
    }
  }
}
