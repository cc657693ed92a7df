package io.machinestate.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.machinestate.protocol.Json;
import io.machinestate.server.http.ErrorHandlers;
import io.machinestate.server.http.RequestReader;
import io.machinestate.server.http.Responses;
import io.machinestate.server.machine.DescriptionFeed;
import io.machinestate.server.machine.MachineService;
import io.machinestate.server.metrics.Metrics;
import io.machinestate.server.metrics.MetricsService;
import io.machinestate.server.operator.OperatorService;
import io.machinestate.server.powercycle.PowerCycleFeed;
import io.machinestate.server.powercycle.PowerCycleService;
import io.machinestate.server.processor.Processor;
import io.machinestate.server.sse.SseStream;
import io.machinestate.server.store.ChangeSink;
import io.machinestate.server.store.ConnectionString;
import io.machinestate.server.store.Database;
import io.machinestate.server.store.SqlStore;
import io.machinestate.server.store.Store;
import io.machinestate.server.store.WriteRules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.logging.Logger;

/** The running central server: its database, its HTTP listener, and the wiring between them. */
public final class CentralServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(CentralServer.class.getName());

  private final Database database;
  private final Store store;
  private final DescriptionFeed descriptions;
  private final PowerCycleFeed powerCycles;
  private final WebServer server;

  private CentralServer(ServerConfig config, Database database) {
    this.database = database;
    Clock clock = Clock.systemUTC();
    ObjectMapper json = Json.newMapper();
    Metrics metrics = new Metrics(clock);
    descriptions = new DescriptionFeed();
    powerCycles = new PowerCycleFeed();
    store = new SqlStore(database.client(), new WriteRules(config.pools()),
        ChangeSink.of(descriptions, powerCycles, metrics), clock, json, metrics::conflictRetried);
    powerCycles.load(store.listPowerCycle());
    metrics.load(store.list());
    metrics.gauge("machineserver.sse.subscribers", "Open SSE streams", this,
        s -> s.descriptions.subscribers() + s.powerCycles.subscribers());

    SseStream sse = new SseStream(config.sseHeartbeat());
    RequestReader requests = new RequestReader(json);
    Responses responses = new Responses(json);
    HttpRouting.Builder routing = HttpRouting.builder()
        .register(new MachineService(store, new Processor(config.user()), descriptions, sse, metrics, clock,
            requests, responses))
        .register(new OperatorService(store, clock, req -> "anonymous", requests, responses))
        .register(new PowerCycleService(store, powerCycles, sse, requests, responses))
        .register(new MetricsService(metrics, store));
    ErrorHandlers.register(routing);

    server = WebServer.builder()
        .host(config.host())
        .port(config.port())
        .maxPayloadSize(RequestReader.MAX_BODY_BYTES)
        .shutdownHook(false)
        .shutdownGracePeriod(Duration.ofSeconds(3))
        .routing(routing)
        .build()
        .start();
    LOG.info("central server listening on http://" + config.host() + ":" + server.port());
  }

  /** Opens the database (the embedded one when no URL is configured) and starts listening. */
  public static CentralServer start(ServerConfig config) {
    Database database;
    try {
      database = config.embeddedDatabase()
          ? Database.openEmbedded(config.dataDir())
          : Database.open(ConnectionString.parse(config.db()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded database in " + config.dataDir(), e);
    }
    try {
      return new CentralServer(config, database);
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  public int port() {
    return server.port();
  }

  public Store store() {
    return store;
  }

  /** Ends SSE streams, lets requests in flight finish, then closes the database. */
  @Override
  public void close() {
    descriptions.close();
    powerCycles.close();
    server.stop();
    database.close();
    LOG.info("central server stopped");
  }
}
