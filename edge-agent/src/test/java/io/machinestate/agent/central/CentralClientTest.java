package io.machinestate.agent.central;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.agent.FakeCentral;
import io.machinestate.protocol.AttachedDevice;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import io.machinestate.protocol.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CentralClientTest {
  FakeCentral central;
  CentralClient client;

  @BeforeEach
  void start() throws IOException {
    central = FakeCentral.start();
    client = new CentralClient(new OkHttpClient(), central.url(), "skia rpi/../x", Json.newMapper());
  }

  @AfterEach
  void stop() {
    central.close();
  }

  @Test
  void unknownMachineHasNoDescription() throws IOException {
    assertTrue(client.description().isEmpty());
  }

  @Test
  void getsTheDescriptionOfAnIdThatNeedsEscaping() throws IOException {
    Description d = Description.builder().attachedDevice(AttachedDevice.ADB)
        .dimensions(Map.of("id", List.of("skia rpi/../x"))).build();
    central.setDescription("skia rpi/../x", d);
    assertEquals(d, client.description().orElseThrow());
  }

  @Test
  void postsAnEvent() throws IOException {
    Event e = Event.rawState(new Event.Host("skia rpi/../x", "v1", Instant.parse("2026-11-24T10:00:00Z")));
    client.postEvent(e);
    assertEquals(List.of(e), central.accepted());
  }

  @Test
  void serverErrorsAreRetryableAndRejectionsNot() {
    Event e = Event.rawState(new Event.Host("m", "v1", Instant.EPOCH));
    central.failEvents(503, 1);
    ServerException unavailable = assertThrows(ServerException.class, () -> client.postEvent(e));
    assertTrue(unavailable.retryable());
    assertTrue(unavailable.getMessage().contains("503 injected failure"), unavailable.getMessage());
    central.failEvents(400, 1);
    assertFalse(assertThrows(ServerException.class, () -> client.postEvent(e)).retryable());
  }

  @Test
  void aRefusalOfOurCredentialsIsNamedAndRetryable() {
    Event e = Event.rawState(new Event.Host("m", "v1", Instant.EPOCH));
    central.failEvents(403, 1);
    ServerException refused = assertThrows(ServerException.class, () -> client.postEvent(e));
    assertTrue(refused.retryable());
    assertEquals("POST /json/v1/machine/event/: the server refused our credentials: 403 injected failure",
        refused.getMessage());
    central.failEvents(401, 1);
    assertTrue(assertThrows(ServerException.class, () -> client.postEvent(e)).retryable());
  }

  @Test
  void unreachableServerIsAnIOException() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    CentralClient down = new CentralClient(new OkHttpClient(), HttpUrl.get("http://127.0.0.1:" + closedPort + "/"), "m",
        Json.newMapper());
    IOException e = assertThrows(IOException.class, () -> down.description());
    assertFalse(e instanceof ServerException);
  }

  @Test
  void urlJoinsAServerWithAPathPrefix() {
    CentralClient c = new CentralClient(new OkHttpClient(), HttpUrl.get("https://example.org/machines/"), "m", Json.newMapper());
    assertEquals("https://example.org/machines/json/v1/machine/event/", c.url("/json/v1/machine/event/").toString());
  }
}
