package io.machinestate.server.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MailboxTest {
  @Test
  void slowSubscriberGetsOnlyTheNewest() throws Exception {
    Broadcaster<Integer> b = new Broadcaster<>();
    Mailbox<Integer> slow = b.subscribe("m");
    for (int i = 1; i <= 10_000; i++) {
      b.publish("m", i); // never blocks, however far behind the subscriber is
    }
    assertEquals(10_000, slow.take(Duration.ofSeconds(1)));
    assertNull(slow.take(Duration.ofMillis(10)));
  }

  @Test
  void versionedMailboxNeverGoesBackwards() throws Exception {
    Mailbox<Long> box = new Mailbox<>(v -> v);
    box.offer(7L);
    box.offer(5L); // offered late, older than what is waiting
    assertEquals(7L, box.take(Duration.ZERO));
    box.offer(7L); // already taken
    box.offer(6L);
    assertNull(box.take(Duration.ZERO));
    box.offer(8L);
    assertEquals(8L, box.take(Duration.ZERO));
  }

  @Test
  void keyedMailboxKeepsEachKeysNewestInFirstOfferedOrder() throws Exception {
    Mailbox<String> box = new Mailbox<>(s -> s.substring(0, 1), s -> Long.parseLong(s.substring(1)));
    box.offer("a1");
    box.offer("b5");
    box.offer("a3"); // replaces a1, keeps a's place
    box.offer("b4"); // older than b5
    box.offer("c1");
    assertEquals("a3", box.take(Duration.ZERO));
    assertEquals("b5", box.take(Duration.ZERO));
    box.offer("a2"); // older than the a3 already sent
    assertEquals("c1", box.take(Duration.ZERO));
    assertNull(box.take(Duration.ZERO));
  }

  @Test
  void closeWakesTheSubscriber() throws Exception {
    Broadcaster<String> b = new Broadcaster<>();
    Mailbox<String> box = b.subscribe("m");
    Thread.ofVirtual().start(() -> {
      try {
        Thread.sleep(50);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
      b.close();
    });
    assertNull(box.take(Duration.ofSeconds(10)));
    assertEquals(true, box.closed());
    assertEquals(true, b.subscribe("late").closed());
  }

  @Test
  void unsubscribedMailboxesAreForgotten() {
    Broadcaster<String> b = new Broadcaster<>();
    Mailbox<String> one = b.subscribe("m");
    b.subscribe("n");
    assertEquals(2, b.subscribers());
    b.unsubscribe("m", one);
    assertEquals(1, b.subscribers());
  }
}
