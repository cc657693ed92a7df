package io.machinestate.server.metrics;

import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.machinestate.protocol.Paths;
import io.machinestate.server.store.Store;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/** The Prometheus scrape endpoint and the health checks: readiness (the database answers) and liveness. */
public final class MetricsService implements HttpService {
  private final Metrics metrics;
  private final Store store;

  public MetricsService(Metrics metrics, Store store) {
    this.metrics = metrics;
    this.store = store;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get(Paths.METRICS, (req, res) -> {
          res.header(HeaderValues.create("Content-Type", "text/plain; version=0.0.4; charset=utf-8"));
          try (Writer out = new BufferedWriter(new OutputStreamWriter(res.outputStream(), StandardCharsets.UTF_8), 1 << 16)) {
            metrics.scrape(out);
          }
        })
        // a database outage must not get every replica restarted: liveness does not ask it
        .get(Paths.LIVEZ, (req, res) -> res.header(HeaderValues.CONTENT_TYPE_TEXT_PLAIN).send("ok"))
        .get(Paths.HEALTHZ, (req, res) -> {
          boolean up = store.healthy();
          res.status(up ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503)
              .header(HeaderValues.CONTENT_TYPE_TEXT_PLAIN)
              .send(up ? "ok" : "database unavailable");
        });
  }
}
