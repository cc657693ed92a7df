package io.machinestate.server.sse;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** Subscribers by topic, each with its own {@link Mailbox}; publishing never blocks. */
public final class Broadcaster<T> {
  private final Map<String, Set<Mailbox<T>>> topics = new ConcurrentHashMap<>();
  private final Supplier<Mailbox<T>> mailboxes;
  private volatile boolean closed;

  /** Each subscriber gets every value published. */
  public Broadcaster() {
    this(Mailbox::new);
  }

  /** Each subscriber gets what its mailbox takes; see {@link Mailbox#Mailbox(java.util.function.ToLongFunction)}. */
  public Broadcaster(Supplier<Mailbox<T>> mailboxes) {
    this.mailboxes = mailboxes;
  }

  public Mailbox<T> subscribe(String topic) {
    Mailbox<T> box = mailboxes.get();
    topics.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet()).add(box);
    if (closed) {
      box.close();
    }
    return box;
  }

  public void unsubscribe(String topic, Mailbox<T> box) {
    topics.computeIfPresent(topic, (t, boxes) -> {
      boxes.remove(box);
      return boxes.isEmpty() ? null : boxes;
    });
  }

  public void publish(String topic, T value) {
    Set<Mailbox<T>> boxes = topics.get(topic);
    if (boxes != null) {
      boxes.forEach(b -> b.offer(value));
    }
  }

  public int subscribers() {
    return topics.values().stream().mapToInt(Set::size).sum();
  }

  /** Ends every stream, as the server stops. */
  public void close() {
    closed = true;
    topics.values().forEach(boxes -> boxes.forEach(Mailbox::close));
  }
}
