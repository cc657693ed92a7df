package io.machinestate.server.audit;

import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.machinestate.protocol.Paths;
import io.machinestate.protocol.Times;
import io.machinestate.server.auth.Principal;
import io.machinestate.server.http.RequestReader;
import io.machinestate.server.http.Responses;
import io.machinestate.server.store.SqlJournal;
import io.machinestate.server.store.SqlJournal.AuditQuery;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Supplier;

/** Who did what (the audit trail) and what happened to each machine (its history), newest first, paged. */
public final class AuditService implements HttpService {
  private static final int DEFAULT_LIMIT = 100;

  private final SqlJournal journal;
  private final Responses responses;

  public AuditService(SqlJournal journal, Responses responses) {
    this.journal = journal;
    this.responses = responses;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get(Paths.AUDIT, this::audit)
        .get(Paths.MACHINE_HISTORY + "{id}", this::history);
  }

  private void audit(ServerRequest req, ServerResponse res) {
    reader(req);
    var query = req.query();
    String machine = query.first("machine").map(RequestReader::checkedId).orElse(null);
    AuditQuery q = new AuditQuery(machine, query.first("user").orElse(null), query.first("action").orElse(null),
        time(query.first("since").orElse(null), "since"), time(query.first("until").orElse(null), "until"),
        limit(query.first("limit").orElse(null)), before(query.first("before").orElse(null)));
    responses.json(res, pageOrBadRequest(() -> journal.audit(q)));
  }

  private void history(ServerRequest req, ServerResponse res) {
    reader(req);
    String id = RequestReader.machineId(req);
    var query = req.query();
    int limit = limit(query.first("limit").orElse(null));
    String before = before(query.first("before").orElse(null));
    responses.json(res, pageOrBadRequest(() -> journal.history(id, limit, before)));
  }

  private static void reader(ServerRequest req) {
    Principal principal = Principal.of(req);
    principal.require(principal.mayRead(), "read the audit trail");
  }

  private static <T> T pageOrBadRequest(Supplier<T> read) {
    try {
      return read.get();
    } catch (IllegalArgumentException e) {
      throw new HttpException(e.getMessage(), Status.BAD_REQUEST_400);
    }
  }

  private static Instant time(String value, String name) {
    if (value == null) {
      return null;
    }
    try {
      return Times.parse(value);
    } catch (DateTimeParseException e) {
      throw new HttpException(name + ": \"" + value + "\" is not an RFC 3339 time", Status.BAD_REQUEST_400);
    }
  }

  private static int limit(String value) {
    if (value == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= SqlJournal.MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new HttpException("limit must be a number from 1 to " + SqlJournal.MAX_LIMIT, Status.BAD_REQUEST_400);
  }

  private static String before(String value) {
    return value == null || value.isEmpty() ? null : value;
  }
}
