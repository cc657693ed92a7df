package io.machinestate.agent.central;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.machinestate.agent.FakeCentral;
import io.machinestate.protocol.Event;
import io.machinestate.protocol.Json;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventSenderTest {
  FakeCentral central;
  EventSender sender;
  final List<Event> acceptedBySender = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    central = FakeCentral.start();
    CentralClient client = new CentralClient(new OkHttpClient(), central.url(), "m", Json.newMapper());
    sender = new EventSender(client, new Backoff(Duration.ofMillis(200), Duration.ofMillis(400), new Random(1)),
        acceptedBySender::add);
    sender.start();
  }

  @AfterEach
  void stop() {
    sender.close();
    central.close();
  }

  private static Event event(String version) {
    return Event.rawState(new Event.Host("m", version, Instant.EPOCH));
  }

  @Test
  void retriesUntilTheServerAccepts() throws Exception {
    central.failEvents(503, 3);
    sender.offer(event("1"));
    FakeCentral.await("delivery", 10, () -> !central.accepted().isEmpty());
    assertEquals(4, central.eventRequests());
    assertEquals(List.of(event("1")), central.accepted());
    FakeCentral.await("the sender told of the delivery", 5, () -> acceptedBySender.equals(List.of(event("1"))));
  }

  @Test
  void onlyTheNewestEventWaits() throws Exception {
    central.failEvents(503, 1);
    sender.offer(event("1"));
    FakeCentral.await("first try", 5, () -> central.eventRequests() == 1);
    // The server is down: these arrive during the backoff, and each replaces the one before.
    sender.offer(event("2"));
    sender.offer(event("3"));
    FakeCentral.await("delivery", 10, () -> !central.accepted().isEmpty());
    Thread.sleep(300);
    assertEquals(List.of(event("3")), central.accepted());
    assertEquals(2, central.eventRequests());
  }

  @Test
  void aForcedQuarantineIsNotLostToANewerEvent() throws Exception {
    central.failEvents(503, 1);
    sender.offer(event("1").withFlags(false, true, false));
    FakeCentral.await("first try", 5, () -> central.eventRequests() == 1);
    sender.offer(event("2"));
    FakeCentral.await("delivery", 10, () -> !central.accepted().isEmpty());
    assertEquals(List.of(event("2").withFlags(false, true, false)), central.accepted());
  }

  @Test
  void anEventRefusedForOurCredentialsIsRetried() throws Exception {
    central.failEvents(403, 2);
    sender.offer(event("1"));
    FakeCentral.await("delivery once the server accepts the token", 10, () -> !central.accepted().isEmpty());
    assertEquals(3, central.eventRequests());
    assertEquals(List.of(event("1")), central.accepted());
  }

  @Test
  void aRejectedEventIsDroppedNotRetried() throws Exception {
    central.failEvents(400, 1);
    sender.offer(event("1"));
    FakeCentral.await("first try", 5, () -> central.eventRequests() == 1);
    sender.offer(event("2"));
    FakeCentral.await("delivery", 5, () -> !central.accepted().isEmpty());
    assertEquals(List.of(event("2")), central.accepted());
    assertEquals(2, central.eventRequests());
  }

  @Test
  void keepsRetryingWhileTheServerIsGoneAndDeliversWhenItReturns() throws Exception {
    int port = central.port();
    central.close();
    sender.offer(event("1"));
    Thread.sleep(700); // a few failed tries
    sender.offer(event("2"));
    central = FakeCentral.start(port);
    FakeCentral.await("delivery after restart", 10, () -> !central.accepted().isEmpty());
    assertEquals(List.of(event("2")), central.accepted());
    FakeCentral.await("the sender told of the delivery", 5, () -> acceptedBySender.contains(event("2")));
  }
}
