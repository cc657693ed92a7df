package io.machinestate.server.machine;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.machinestate.protocol.Paths;
import io.machinestate.server.auth.Principal;
import io.machinestate.server.http.Responses;
import io.machinestate.server.sse.Mailbox;
import io.machinestate.server.sse.SseStream;
import io.machinestate.server.store.Store;

/**
 * The fleet's SSE stream, for the console and other viewers: every machine's Description (id: its
 * version), then {@code event: synced}, then each change as it is committed, a deletion as
 * {@code event: deleted} with {@code {"MachineID": id}}. A slow reader gets each machine's newest
 * state, never an older after a newer.
 *
 * <p>Every connection, including one resuming with {@code Last-Event-ID}, starts with the whole
 * snapshot: each machine's Description changes with every event (its LastUpdated), every 30 s, so
 * after any gap worth resuming from nearly every machine would be sent anyway, and only a snapshot
 * tells a client which machines were deleted meanwhile (those it has but the snapshot lacks).
 */
public final class FleetStreamService implements HttpService {
  private final Store store;
  private final DescriptionFeed feed;
  private final SseStream sse;
  private final Responses responses;

  public FleetStreamService(Store store, DescriptionFeed feed, SseStream sse, Responses responses) {
    this.store = store;
    this.feed = feed;
    this.sse = sse;
    this.responses = responses;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get(Paths.DESCRIPTIONS_SSE, this::stream);
  }

  private void stream(ServerRequest req, ServerResponse res) {
    Principal principal = Principal.of(req);
    principal.require(principal.mayRead(), "follow the fleet");
    Mailbox<FleetMessage> box = feed.subscribeFleet();
    try {
      // read after subscribing, so no change falls between; the mailbox keeps each machine's newest
      store.listVersioned().forEach(v -> box.offer(FleetMessage.changed(v.description().dimension("id"), v)));
      box.offer(FleetMessage.synced());
      sse.serve(res, box, this::message);
    } finally {
      feed.unsubscribeFleet(box);
    }
  }

  private SseStream.Message message(FleetMessage m) {
    String data = m.data(responses::string);
    return switch (m.kind()) {
      case CHANGED -> new SseStream.Message("", Long.toString(m.version()), data);
      case DELETED -> new SseStream.Message("deleted", Long.toString(m.version()), data);
      case SYNCED -> new SseStream.Message("synced", null, data);
    };
  }
}
