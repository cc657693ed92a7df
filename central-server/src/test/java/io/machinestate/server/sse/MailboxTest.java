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
  void offerIfEmptyDoesNotOverwriteANewerValue() throws Exception {
    Mailbox<String> box = new Mailbox<>();
    box.offer("newer");
    box.offerIfEmpty("older");
    assertEquals("newer", box.take(Duration.ZERO));
    box.offerIfEmpty("first");
    assertEquals("first", box.take(Duration.ZERO));
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
