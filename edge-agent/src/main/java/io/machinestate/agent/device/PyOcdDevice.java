package io.machinestate.agent.device;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A hardware dev kit driven by pyOCD. Its type comes from a small JSON5 file such as
 * {@code {device_type: "nrf52840"}}: the device itself is powered off between tasks, so it cannot
 * be asked.
 */
public final class PyOcdDevice implements Device {
  private static final ObjectMapper JSON5 = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
      .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
      .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
      .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
      .build();

  private final Path configFile;

  public PyOcdDevice(Path configFile) {
    this.configFile = configFile;
  }

  @Override
  public Event read(Event event, Description description) throws IOException {
    JsonNode config;
    try {
      config = JSON5.readTree(configFile.toFile());
    } catch (IOException e) {
      throw new IOException("cannot read pyOCD config " + configFile + ": " + e.getMessage(), e);
    }
    String deviceType = config == null ? "" : config.path("device_type").asText("");
    if (deviceType.isEmpty()) {
      throw new IOException("pyOCD config " + configFile + " has no device_type");
    }
    return event.withPyOCD(new Event.PyOCD(deviceType));
  }
}
