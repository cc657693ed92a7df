package io.machinestate.server.operator;

import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.machinestate.logging.LogText;
import io.machinestate.protocol.Annotation;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Paths;
import io.machinestate.protocol.Requests.SetAttachedDevice;
import io.machinestate.protocol.Requests.SetNoteRequest;
import io.machinestate.protocol.Requests.SupplyChromeOSRequest;
import io.machinestate.protocol.Times;
import io.machinestate.server.auth.Principal;
import io.machinestate.server.http.RequestReader;
import io.machinestate.server.http.Responses;
import io.machinestate.server.store.Change;
import io.machinestate.server.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The operators' actions of SPEC §3, each audited. Each replies with the machine's new Description;
 * an unknown machine is 404 and a bad body 400, checked before anything is written.
 */
public final class OperatorService implements HttpService {
  private static final Logger LOG = Logger.getLogger(OperatorService.class.getName());
  private static final Pattern SSH_USER_IP = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9.\\-@_]*$");

  /** One operator action: the new Description from the old one, who acted, and when. */
  private interface Action {
    Description apply(Description d, String user, Instant now);
  }

  private final Store store;
  private final Clock clock;
  private final RequestReader requests;
  private final Responses responses;

  public OperatorService(Store store, Clock clock, RequestReader requests, Responses responses) {
    this.store = store;
    this.clock = clock;
    this.requests = requests;
    this.responses = responses;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get(Paths.MACHINES, this::machines)
        .post(Paths.TOGGLE_MODE + "{id}", this::toggleMode)
        .post(Paths.TOGGLE_POWERCYCLE + "{id}", this::togglePowerCycle)
        .post(Paths.SET_ATTACHED_DEVICE + "{id}", this::setAttachedDevice)
        .post(Paths.REMOVE_DEVICE + "{id}", this::removeDevice)
        .post(Paths.DELETE_MACHINE + "{id}", this::deleteMachine)
        .post(Paths.SET_NOTE + "{id}", this::setNote)
        .post(Paths.SUPPLY_CHROMEOS + "{id}", this::supplyChromeOS)
        .post(Paths.CLEAR_QUARANTINED + "{id}", this::clearQuarantined);
  }

  private void machines(ServerRequest req, ServerResponse res) {
    Principal principal = Principal.of(req);
    principal.require(principal.mayRead(), "list machines");
    responses.json(res, store.list());
  }

  private void toggleMode(ServerRequest req, ServerResponse res) {
    act(req, res, "toggle_mode", "", (d, user, now) -> d.maintenanceMode().isEmpty()
        ? d.toBuilder().maintenanceMode(user + " " + Times.format(now.truncatedTo(ChronoUnit.SECONDS)))
            .annotation(new Annotation("Enabled Maintenance Mode", user, now)).build()
        : d.toBuilder().maintenanceMode("")
            .annotation(new Annotation("Cleared Maintenance Mode.", user, now)).build());
  }

  private void togglePowerCycle(ServerRequest req, ServerResponse res) {
    String id = RequestReader.machineId(req);
    act(req, res, "toggle_powercycle", "", (d, user, now) -> d.toBuilder().powerCycle(!d.powerCycle())
        .annotation(new Annotation("Requested powercycle for \"" + id + "\"", user, now)).build());
  }

  private void setAttachedDevice(ServerRequest req, ServerResponse res) {
    String text = requests.text(req);
    SetAttachedDevice body = requests.parse(text, SetAttachedDevice.class);
    if (body.attachedDevice() == null) {
      throw new HttpException("AttachedDevice is required", Status.BAD_REQUEST_400);
    }
    act(req, res, "set_attached_device", text,
        (d, user, now) -> d.toBuilder().attachedDevice(body.attachedDevice()).build());
  }

  private void removeDevice(ServerRequest req, ServerResponse res) {
    String id = RequestReader.machineId(req);
    act(req, res, "remove_device", "", (d, user, now) -> d.toBuilder()
        .dimensions(Map.of()).temperature(null).suppliedDimensions(null).sshUserIP("")
        .annotation(new Annotation("Requested device removal of \"" + id + "\"", user, now)).build());
  }

  private void deleteMachine(ServerRequest req, ServerResponse res) {
    String id = RequestReader.machineId(req);
    Principal principal = operator(req);
    if (!store.delete(id, Change.audited(principal.name(), "delete_machine", ""))) {
      throw unknown(id);
    }
    LOG.info(LogText.of(principal.name()) + " deleted machine " + id);
    res.send();
  }

  private void setNote(ServerRequest req, ServerResponse res) {
    String text = requests.text(req);
    SetNoteRequest body = requests.parse(text, SetNoteRequest.class);
    act(req, res, "set_note", text, (d, user, now) -> d.toBuilder()
        .note(new Annotation(body.message(), user, now)).build());
  }

  /**
   * As the Go server: both fields must be non-empty, dimensions without values are not kept (its
   * store dropped them), and LastUpdated is now.
   */
  private void supplyChromeOS(ServerRequest req, ServerResponse res) {
    String text = requests.text(req);
    SupplyChromeOSRequest body = requests.parse(text, SupplyChromeOSRequest.class);
    if (body.sshUserIP() == null || body.sshUserIP().isEmpty()
        || body.suppliedDimensions() == null || body.suppliedDimensions().isEmpty()) {
      throw new HttpException("Missing fields: SSHUserIP and SuppliedDimensions are both required",
          Status.BAD_REQUEST_400);
    }
    if (!SSH_USER_IP.matcher(body.sshUserIP()).matches()) {
      throw new HttpException("invalid SSHUserIP \"" + body.sshUserIP() + "\": want " + SSH_USER_IP.pattern(),
          Status.BAD_REQUEST_400);
    }
    Map<String, List<String>> supplied = new TreeMap<>();
    body.suppliedDimensions().forEach((key, values) -> {
      if (values != null && !values.isEmpty()) {
        supplied.put(key, values.stream().map(v -> v == null ? "" : v).toList()); // Go reads null as ""
      }
    });
    act(req, res, "supply_chromeos", text, (d, user, now) -> d.toBuilder()
        .sshUserIP(body.sshUserIP()).suppliedDimensions(supplied).lastUpdated(now).build());
  }

  private void clearQuarantined(ServerRequest req, ServerResponse res) {
    act(req, res, "clear_quarantined", "", (d, user, now) -> d.toBuilder().isQuarantined(false).build());
  }

  private void act(ServerRequest req, ServerResponse res, String name, String body, Action action) {
    String id = RequestReader.machineId(req);
    String user = operator(req).name();
    Description d = store.updateExisting(id, Change.audited(user, name, body),
            previous -> action.apply(previous, user, clock.instant()))
        .orElseThrow(() -> unknown(id));
    LOG.info(LogText.of(user) + " did " + name + " on " + id);
    responses.json(res, d);
  }

  private static Principal operator(ServerRequest req) {
    Principal principal = Principal.of(req);
    principal.require(principal.mayOperate(), "change machines");
    return principal;
  }

  private static HttpException unknown(String id) {
    return new HttpException("unknown machine \"" + id + "\"", Status.NOT_FOUND_404);
  }
}
