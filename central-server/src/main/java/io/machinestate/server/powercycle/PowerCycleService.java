package io.machinestate.server.powercycle;

import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Paths;
import io.machinestate.protocol.PowerCycleState;
import io.machinestate.protocol.Requests.PowerCycleStateForMachine;
import io.machinestate.protocol.Requests.UpdatePowerCycleStateRequest;
import io.machinestate.server.auth.Principal;
import io.machinestate.server.http.RequestReader;
import io.machinestate.server.http.Responses;
import io.machinestate.server.sse.Mailbox;
import io.machinestate.server.sse.SseStream;
import io.machinestate.server.store.Change;
import io.machinestate.server.store.Store;
import io.machinestate.server.store.Write;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * What power-cycle agents use: the pending requests (listed or streamed), completion, availability.
 * A state update is all-or-nothing across its machines; unknown machines in it are skipped.
 */
public final class PowerCycleService implements HttpService {
  private static final Logger LOG = Logger.getLogger(PowerCycleService.class.getName());

  private final Store store;
  private final PowerCycleFeed feed;
  private final SseStream sse;
  private final RequestReader requests;
  private final Responses responses;

  public PowerCycleService(Store store, PowerCycleFeed feed, SseStream sse, RequestReader requests, Responses responses) {
    this.store = store;
    this.feed = feed;
    this.sse = sse;
    this.requests = requests;
    this.responses = responses;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get(Paths.POWERCYCLE_LIST, this::list)
        .get(Paths.POWERCYCLE_SSE, this::stream)
        .post(Paths.POWERCYCLE_COMPLETE + "{id}", this::complete)
        .post(Paths.POWERCYCLE_STATE_UPDATE, this::updateState);
  }

  private void list(ServerRequest req, ServerResponse res) {
    Principal principal = Principal.of(req);
    principal.require(principal.mayListPowerCycles(), "list power cycles");
    responses.json(res, store.listPowerCycle());
  }

  private void complete(ServerRequest req, ServerResponse res) {
    String id = RequestReader.machineId(req);
    Principal principal = Principal.of(req);
    principal.require(principal.mayPowerCycle(id), "complete power cycles of " + id);
    store.updateExisting(id, Change.audited(principal.name(), "powercycle_complete", ""),
            d -> d.toBuilder().powerCycle(false).build())
        .orElseThrow(() -> new HttpException("unknown machine \"" + id + "\"", Status.NOT_FOUND_404));
    LOG.info("power cycle of " + id + " completed");
    res.send();
  }

  private void updateState(ServerRequest req, ServerResponse res) {
    UpdatePowerCycleStateRequest body = requests.body(req, UpdatePowerCycleStateRequest.class);
    Principal principal = Principal.of(req);
    for (PowerCycleStateForMachine m : body.machines()) {
      if (m == null || m.powerCycleState() == null) {
        throw new HttpException("each machine needs a MachineID and a PowerCycleState", Status.BAD_REQUEST_400);
      }
      RequestReader.checkedId(m.machineID());
      principal.require(principal.mayPowerCycle(m.machineID()), "report the power-cycle state of " + m.machineID());
    }
    List<Write> writes = body.machines().stream().map(m -> {
      PowerCycleState state = m.powerCycleState();
      return new Write(m.machineID(), Change.audited(principal.name(), "powercycle_state", state.wire()),
          d -> d.toBuilder().powerCycleState(state).build());
    }).toList();
    List<Optional<Description>> written = store.updateAllExisting(writes);
    for (int i = 0; i < writes.size(); i++) {
      if (written.get(i).isEmpty()) {
        LOG.info("power-cycle state " + body.machines().get(i).powerCycleState().wire()
            + " for unknown machine " + writes.get(i).machineId() + " skipped");
      }
    }
    res.send();
  }

  private void stream(ServerRequest req, ServerResponse res) {
    Principal principal = Principal.of(req);
    principal.require(principal.mayListPowerCycles(), "follow power cycles");
    Mailbox<List<String>> box = feed.subscribe();
    try {
      // the same list gives the same id on every replica: List.hashCode is fixed by its contract
      sse.serve(res, box, responses::string, list -> Integer.toHexString(list.hashCode()));
    } finally {
      feed.unsubscribe(box);
    }
  }
}
