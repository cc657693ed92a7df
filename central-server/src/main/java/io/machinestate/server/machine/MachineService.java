package io.machinestate.server.machine;

import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.machinestate.logging.LogText;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import io.machinestate.protocol.Paths;
import io.machinestate.server.auth.Principal;
import io.machinestate.server.http.RequestReader;
import io.machinestate.server.http.Responses;
import io.machinestate.server.metrics.Metrics;
import io.machinestate.server.processor.Processor;
import io.machinestate.server.sse.Mailbox;
import io.machinestate.server.sse.SseStream;
import io.machinestate.server.store.AmbiguousCommitException;
import io.machinestate.server.store.Change;
import io.machinestate.server.store.Store;
import io.machinestate.server.store.StoreUnavailableException;
import io.machinestate.server.store.Versioned;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * What edge agents use: events in, their Description out, and its SSE stream. An event is answered
 * only once the Description it produced is committed, so an accepted event is never lost. The store
 * keeps one machine's events in arrival order.
 */
public final class MachineService implements HttpService {
  private static final Logger LOG = Logger.getLogger(MachineService.class.getName());

  private final Store store;
  private final Processor processor;
  private final DescriptionFeed feed;
  private final SseStream sse;
  private final Metrics metrics;
  private final Clock clock;
  private final RequestReader requests;
  private final Responses responses;
  private final NewMachineQuota quota;

  /** @param newMachinesPerHour how many machines one agent token may create in an hour; 0 for any number */
  public MachineService(Store store, Processor processor, DescriptionFeed feed, SseStream sse,
      Metrics metrics, Clock clock, RequestReader requests, Responses responses, int newMachinesPerHour) {
    this.store = store;
    this.processor = processor;
    this.feed = feed;
    this.sse = sse;
    this.metrics = metrics;
    this.clock = clock;
    this.requests = requests;
    this.responses = responses;
    this.quota = new NewMachineQuota(newMachinesPerHour, clock);
  }

  @Override
  public void routing(HttpRules rules) {
    rules.post(Paths.MACHINE_EVENT, this::event)
        .post(Paths.MACHINE_EVENT.substring(0, Paths.MACHINE_EVENT.length() - 1), this::event)
        .get(Paths.MACHINE_DESCRIPTION + "{id}", this::description)
        .get(Paths.MACHINE_SSE, this::stream);
  }

  private void event(ServerRequest req, ServerResponse res) {
    Event event = requests.body(req, Event.class);
    String id = RequestReader.checkedId(event.host().name());
    Principal principal = Principal.of(req);
    principal.require(principal.mayPostEvent(id), "post events for " + id);
    if (!Event.RAW_STATE.equals(event.type())) {
      metrics.unknownEventType();
      LOG.warning("ignored event of unknown type \"" + LogText.of(event.type()) + "\" from " + id);
      res.send();
      return;
    }
    AtomicReference<Description> before = new AtomicReference<>();
    AtomicReference<List<String>> leftOut = new AtomicReference<>();
    UnaryOperator<Description> fn = previous -> {
      before.set(previous);
      MachineLimits.Limited limited = MachineLimits.apply(processor.process(previous, event, clock.instant()));
      leftOut.set(limited.reasons());
      return limited.description();
    };
    Description after;
    try {
      // the usual case, an existing machine, costs one transaction; only a new one is counted first
      Optional<Description> existing = store.updateExisting(id, Change.by(principal.name()), fn);
      if (existing.isEmpty()) {
        quota.admit(principal, id);
      }
      after = existing.isPresent() ? existing.get() : store.update(id, Change.by(principal.name()), fn);
    } catch (StoreUnavailableException | AmbiguousCommitException e) {
      metrics.failedUpdate();
      throw e;
    }
    metrics.eventProcessed();
    if (!leftOut.get().isEmpty()) {
      LOG.warning("event from " + id + " is over the limits: " + String.join("; ", leftOut.get()));
    }
    logTransitions(id, before.get(), after);
    res.send();
  }

  /** Events arrive every 30 s from every machine; only what changed a machine's health is logged. */
  private static void logTransitions(String id, Description before, Description after) {
    if (!before.recovering().equals(after.recovering())) {
      LOG.info(after.recovering().isEmpty()
          ? id + " left recovery (was: " + before.recovering() + ")"
          : id + " is recovering: " + after.recovering());
    }
    if (!before.isQuarantined() && after.isQuarantined()) {
      LOG.info(id + " was force-quarantined by its host");
    }
  }

  private void description(ServerRequest req, ServerResponse res) {
    String id = RequestReader.machineId(req);
    Principal principal = Principal.of(req);
    principal.require(principal.mayReadMachine(id), "read " + id);
    Description d = store.get(id)
        .orElseThrow(() -> new HttpException("unknown machine \"" + id + "\"", Status.NOT_FOUND_404));
    responses.json(res, d);
  }

  private void stream(ServerRequest req, ServerResponse res) {
    String id = RequestReader.checkedId(req.query().first(Paths.SSE_STREAM_PARAM).orElse(""));
    Principal principal = Principal.of(req);
    principal.require(principal.mayReadMachine(id), "follow " + id);
    Mailbox<Versioned> box = feed.subscribe(id);
    try {
      // read after subscribing, so no change falls between; the mailbox drops whichever is older
      store.getVersioned(id).ifPresent(box::offer);
      sse.serve(res, box, v -> responses.string(v.description()), v -> Long.toString(v.version()));
    } finally {
      feed.unsubscribe(id, box);
    }
  }
}
