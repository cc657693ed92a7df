package io.machinestate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.protocol.Description;
import io.machinestate.protocol.Json;
import io.machinestate.protocol.Paths;
import io.machinestate.server.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three server processes on one PostgreSQL, as replicas on GKE share one CockroachDB: a change
 * made through any replica reaches the followers of every replica, also when the replica that
 * made it is killed right after; a follower that moves to another replica does not go back.
 */
class ReplicasTest {
  private static final String MACHINE = "skia-rpi-replicated";

  @TempDir
  Path pgDir;

  @Test
  void everyFollowerOnEveryReplicaLearnsOfEveryChange() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(pgDir, 0)) {
      String db = "postgresql://postgres:" + pg.password() + "@127.0.0.1:" + pg.port() + "/postgres";
      List<ServerProcess> replicas = new ArrayList<>();
      List<Follower> followers = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          replicas.add(new ServerProcess("--port", "0", "--db", db));
        }
        assertEquals(200, http(replicas.get(0)).post(Paths.MACHINE_EVENT, TestEvents.android(MACHINE)).status());
        for (ServerProcess r : replicas) {
          followers.add(new Follower(r.port(), null));
        }
        for (Follower f : followers) {
          f.next(); // the current Description
        }

        List<Long> delays = new ArrayList<>();
        for (int n = 0; n < 9; n++) {
          String note = "note " + n;
          setNote(replicas.get(n % 3), note);
          long committed = System.nanoTime();
          for (Follower f : followers) {
            f.awaitNote(note);
            delays.add(TimeUnit.NANOSECONDS.toMillis(f.lastArrival - committed));
          }
        }
        Collections.sort(delays);
        System.out.printf("commit to follower on any replica: p50 %d ms, max %d ms (n=%d)%n",
            delays.get(delays.size() / 2), delays.get(delays.size() - 1), delays.size());

        // a change acknowledged by a replica that dies at once still reaches the others' followers
        setNote(replicas.get(2), "last words");
        replicas.get(2).kill();
        followers.get(0).awaitNote("last words");
        followers.get(1).awaitNote("last words");

        // the follower of the dead replica moves to another, resuming from the last id it saw
        Follower moved = new Follower(replicas.get(1).port(), followers.get(2).lastId);
        Message first = moved.next();
        assertTrue(first.version() >= followers.get(2).lastVersion(), "went back: " + first.version());
        assertEquals("last words", first.description().note().message());
      } finally {
        followers.forEach(Follower::close);
        for (ServerProcess r : replicas) {
          r.close();
        }
      }
    }
  }

  private static TestHttp http(ServerProcess replica) {
    return new TestHttp(replica.port());
  }

  private static void setNote(ServerProcess replica, String note) {
    assertEquals(200, http(replica).post(Paths.SET_NOTE + MACHINE, "{\"Message\":\"" + note + "\"}").status());
  }

  record Message(long version, Description description, long arrival) {}

  /** One SSE follower of the machine; checks that its ids never go down. */
  static final class Follower extends EventSourceListener implements AutoCloseable {
    final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    final EventSource source;
    volatile String lastId;
    volatile long lastArrival;

    Follower(int port, String lastEventId) {
      Request.Builder request = new Request.Builder().url("http://127.0.0.1:" + port + Paths.machineSse(MACHINE));
      if (lastEventId != null) {
        request.header("Last-Event-ID", lastEventId);
      }
      source = EventSources.createFactory(SseTest.client).newEventSource(request.build(), this);
    }

    @Override
    public void onEvent(EventSource source, String id, String type, String data) {
      try {
        messages.add(new Message(Long.parseLong(id), Json.newMapper().readValue(data, Description.class),
            System.nanoTime()));
      } catch (Exception e) {
        messages.add(new Message(-1, null, System.nanoTime()));
      }
    }

    @Override
    public void onFailure(EventSource source, Throwable t, Response response) {
      // the replica died; the test moves this follower by hand
    }

    Message next() throws InterruptedException {
      Message m = messages.poll(10, TimeUnit.SECONDS);
      assertTrue(m != null, "no message within 10 s");
      assertTrue(m.version() > 0, "bad message");
      if (lastId != null) {
        assertTrue(m.version() > Long.parseLong(lastId), "ids went from " + lastId + " to " + m.version());
      }
      lastId = Long.toString(m.version());
      lastArrival = m.arrival();
      return m;
    }

    long lastVersion() {
      return Long.parseLong(lastId);
    }

    void awaitNote(String note) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline) {
        if (note.equals(next().description().note().message())) {
          return;
        }
      }
      throw new AssertionError("note \"" + note + "\" did not arrive");
    }

    @Override
    public void close() {
      source.cancel();
    }
  }
}
