package io.machinestate.agent.description;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.machinestate.agent.FakeCentral;
import io.machinestate.agent.central.Backoff;
import io.machinestate.agent.central.CentralClient;
import io.machinestate.protocol.AttachedDevice;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.io.IOException;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DescriptionFollowerTest {
  static final String ID = "skia-rpi2-rack4-shelf1-002";

  @TempDir Path dir;
  FakeCentral central;
  DescriptionFollower follower;
  DescriptionHolder holder;

  private void follow(Duration pollInterval) throws Exception {
    CentralClient client = new CentralClient(new OkHttpClient(), central.url(), ID, Json.newMapper());
    holder = new DescriptionHolder(ID, new SavedDescription(dir.resolve("d.json"), Json.newMapper()), () -> {});
    follower = new DescriptionFollower(client, holder, pollInterval, Duration.ofMinutes(1),
        new Backoff(Duration.ofMillis(100), Duration.ofMillis(200), new Random(1)));
    follower.refresh();
    follower.start();
    FakeCentral.await("SSE connection", 5, () -> central.sseConnections() == 1);
  }

  @AfterEach
  void stop() {
    if (central == null) {
      return; // a test of a pure function
    }
    holder.close(); // first: a fetch still in flight must not save into the deleted temp dir
    follower.close();
    central.close();
  }

  private static Description maintenance(String who) {
    return Description.builder().maintenanceMode(who + " 2026-11-24T10:00:00Z").build();
  }

  @Test
  void fetchesAtStartThenTakesDescriptionsFromTheStream() throws Exception {
    central = FakeCentral.start();
    central.setDescription(ID, maintenance("alice"));
    follow(Duration.ofHours(1));
    assertEquals(maintenance("alice"), holder.get());
    FakeCentral.await("the fetches at start and on connect", 5, () -> central.descriptionGets() == 2);

    central.setDescription(ID, maintenance("bob"));
    FakeCentral.await("SSE update", 5, () -> holder.get().equals(maintenance("bob")));
    assertEquals(2, central.descriptionGets(), "a message with a Description needs no GET");
  }

  @Test
  void aMessageWithoutDescriptionIsFollowedByAGet() throws Exception {
    central = FakeCentral.start();
    central.goStyle();
    follow(Duration.ofHours(1));
    central.setDescription(ID, maintenance("carol"));
    FakeCentral.await("GET after update", 5, () -> holder.get().equals(maintenance("carol")));
  }

  @Test
  void anUnreadableMessageIsFollowedByAGet() throws Exception {
    central = FakeCentral.start();
    follow(Duration.ofHours(1));
    int gets = central.descriptionGets();
    central.publish("{\"AttachedDevice\": \"floppy\"}");
    FakeCentral.await("GET after a bad message", 5, () -> central.descriptionGets() > gets);
    assertEquals(AttachedDevice.NODEVICE, holder.get().attachedDevice());
  }

  @Test
  void reconnectsAndCatchesUpWhenTheStreamEnds() throws Exception {
    central = FakeCentral.start();
    central.goStyle();
    follow(Duration.ofHours(1));
    central.closeStreams();
    FakeCentral.await("reconnection", 5, () -> central.sseConnections() == 2);
    central.setDescription(ID, maintenance("dave"));
    FakeCentral.await("update after reconnection", 5, () -> holder.get().equals(maintenance("dave")));
  }

  @Test
  void followsTheStreamAgainWhenTheServerIsKilledAndRestarted() throws Exception {
    central = FakeCentral.start();
    follow(Duration.ofHours(1));
    int port = central.port();
    central.crash(); // the open stream is cut mid-way, after OkHttp took its body
    central = FakeCentral.start(port);
    FakeCentral.await("reconnection to the restarted server", 5, () -> central.sseConnections() == 1);
    central.setDescription(ID, maintenance("erin"));
    FakeCentral.await("an update over the new stream", 5, () -> holder.get().equals(maintenance("erin")));
  }

  @Test
  void aBrokenStreamIsNamedByItsCauseAndAnErrorAnswerByItsStatusAndBody() {
    Request request = new Request.Builder().url("http://127.0.0.1:1/s").build();
    Response opened = new Response.Builder().request(request).protocol(Protocol.HTTP_1_1).code(200).message("OK")
        .body(ResponseBody.create("", MediaType.get("text/event-stream"))).build();
    opened.body().close(); // as OkHttp leaves a stream's response: its body taken
    assertEquals("IOException: unexpected end of stream",
        DescriptionFollower.failure(new IOException("unexpected end of stream"), opened));

    Response refused = new Response.Builder().request(request).protocol(Protocol.HTTP_1_1).code(403).message("Forbidden")
        .body(ResponseBody.create("rack9 may not follow", MediaType.get("text/plain"))).build();
    assertEquals("the server refused our credentials: 403 rack9 may not follow", DescriptionFollower.failure(null, refused));
  }

  @Test
  void pollsAsASafetyNet() throws Exception {
    central = FakeCentral.start();
    follow(Duration.ofMillis(100));
    int gets = central.descriptionGets();
    FakeCentral.await("polls", 5, () -> central.descriptionGets() >= gets + 2);
  }
}
