package io.machinestate.server.http;

import io.helidon.http.HeaderValues;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.machinestate.logging.LogText;
import io.machinestate.server.store.AmbiguousCommitException;
import io.machinestate.server.store.StoreUnavailableException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns failures into plain-text replies: the HTTP status they carry, 503 for the database, 504
 * for a commit it did not confirm, 500 otherwise.
 */
public final class ErrorHandlers {
  private static final Logger LOG = Logger.getLogger(ErrorHandlers.class.getName());

  /** Never "nothing was changed": the change may be there, so clients must not blindly retry. */
  public static final String AMBIGUOUS_COMMIT =
      "the database did not confirm the commit: the change may have been applied; read it back before retrying";

  private ErrorHandlers() {}

  public static void register(HttpRouting.Builder routing) {
    routing.error(HttpException.class, (req, res, e) -> {
      if (e.status().code() >= 500) {
        LOG.log(Level.WARNING, RequestLine.of(req) + ": " + LogText.of(e.getMessage()), e);
      }
      res.status(e.status()).header(HeaderValues.CONTENT_TYPE_TEXT_PLAIN).send(e.getMessage());
    });
    routing.error(StoreUnavailableException.class, (req, res, e) -> {
      LOG.warning(RequestLine.of(req) + ": " + LogText.of(e.getMessage()));
      res.status(Status.SERVICE_UNAVAILABLE_503).header(HeaderValues.CONTENT_TYPE_TEXT_PLAIN)
          .send("database unavailable, nothing was changed; retry later");
    });
    routing.error(AmbiguousCommitException.class, (req, res, e) -> {
      LOG.warning(RequestLine.of(req) + ": " + LogText.of(e.getMessage()));
      res.status(Status.GATEWAY_TIMEOUT_504).header(HeaderValues.CONTENT_TYPE_TEXT_PLAIN)
          .send(AMBIGUOUS_COMMIT);
    });
    routing.error(RuntimeException.class, (req, res, e) -> {
      LOG.log(Level.SEVERE, RequestLine.of(req) + " failed", e);
      res.status(Status.INTERNAL_SERVER_ERROR_500).header(HeaderValues.CONTENT_TYPE_TEXT_PLAIN)
          .send("internal error: " + e.getClass().getSimpleName());
    });
  }
}
