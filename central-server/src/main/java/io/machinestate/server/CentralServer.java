package io.machinestate.server;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.helidon.common.socket.SocketOptions;
import io.helidon.common.tls.Tls;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.machinestate.protocol.Json;
import io.machinestate.server.audit.AuditService;
import io.machinestate.server.auth.Authenticator;
import io.machinestate.server.auth.FailureThrottle;
import io.machinestate.server.auth.LoginStatusService;
import io.machinestate.server.console.ConsoleService;
import io.machinestate.server.embedded.EmbeddedPostgres;
import io.machinestate.server.http.ConnectionGuard;
import io.machinestate.server.http.ErrorHandlers;
import io.machinestate.server.http.RequestReader;
import io.machinestate.server.http.Responses;
import io.machinestate.server.machine.DescriptionFeed;
import io.machinestate.server.machine.FleetStreamService;
import io.machinestate.server.machine.MachineService;
import io.machinestate.server.metrics.Metrics;
import io.machinestate.server.metrics.MetricsService;
import io.machinestate.server.operator.CrossSiteFilter;
import io.machinestate.server.operator.OperatorService;
import io.machinestate.server.powercycle.PowerCycleFeed;
import io.machinestate.server.powercycle.PowerCycleService;
import io.machinestate.server.processor.Processor;
import io.machinestate.server.sse.SseStream;
import io.machinestate.server.store.ChangeFeed;
import io.machinestate.server.store.ChangeSink;
import io.machinestate.server.store.ConnectionString;
import io.machinestate.server.store.Database;
import io.machinestate.server.store.SqlJournal;
import io.machinestate.server.store.SqlStore;
import io.machinestate.server.store.Store;
import io.machinestate.server.store.WriteRules;
import io.machinestate.server.tls.TlsReloader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.logging.Logger;

/** The running central server: its database, its HTTP listener, and the wiring between them. */
public final class CentralServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(CentralServer.class.getName());
  /** How often the certificate files are compared with what is served. */
  private static final Duration TLS_CHECK = Duration.ofSeconds(2);

  private final Database database;
  private final Store store;
  private final DescriptionFeed descriptions;
  private final PowerCycleFeed powerCycles;
  private final ChangeFeed changes;
  private final WebServer server;
  private final ScheduledExecutorService pruner;
  private final ConnectionGuard guard;
  private final TlsReloader tlsReloader;

  private CentralServer(ServerConfig config, Database database) {
    this.database = database;
    Tls tls = config.tls() == null ? null : config.tls().read(); // first, so unusable files stop nothing else
    Clock clock = Clock.systemUTC();
    JsonMapper json = Json.newMapper();
    Metrics metrics = new Metrics(clock);
    descriptions = new DescriptionFeed();
    powerCycles = new PowerCycleFeed();
    SqlJournal journal = new SqlJournal(database.client());
    String replica = UUID.randomUUID().toString();
    changes = new ChangeFeed(database.readCommittedClient(), replica, json,
        ChangeSink.of(descriptions, powerCycles, metrics));
    store = new SqlStore(database.client(), replica, journal, new WriteRules(config.pools()), changes, clock, json,
        metrics::conflictRetried);
    changes.start(() -> {
      powerCycles.load(store.listPowerCycle());
      metrics.load(store.list());
    });
    metrics.gauge("machineserver.sse.subscribers", "Open SSE streams", this,
        s -> s.descriptions.subscribers() + s.powerCycles.subscribers());
    if (database.embedded() != null) {
      metrics.counter("machineserver.embedded.database.restarts",
          "Times the embedded PostgreSQL died under the server and was started again", database.embedded(),
          EmbeddedPostgres::restarts);
    }

    SseStream sse = new SseStream(config.sseHeartbeat());
    RequestReader requests = new RequestReader(json);
    Responses responses = new Responses(json);
    guard = new ConnectionGuard(config.connections(), a -> a.isLoopbackAddress() || config.auth().trusts(a));
    HttpRouting.Builder routing = HttpRouting.builder()
        .addFilter(guard)
        .addFilter(new Authenticator(config.auth(), new FailureThrottle(clock), clock))
        .addFilter(new CrossSiteFilter())
        .register(new MachineService(store, new Processor(config.user()), descriptions, sse, metrics, clock,
            requests, responses, config.newMachinesPerHour()))
        .register(new FleetStreamService(store, descriptions, sse, responses))
        .register(new OperatorService(store, clock, requests, responses))
        .register(new PowerCycleService(store, powerCycles, sse, requests, responses))
        .register(new AuditService(journal, responses))
        .register(new LoginStatusService(responses))
        .register(new MetricsService(metrics, store))
        .register(new ConsoleService());
    ErrorHandlers.register(routing);

    WebServerConfig.Builder listener = WebServer.builder()
        .host(config.host())
        .port(config.port())
        .maxPayloadSize(RequestReader.MAX_BODY_BYTES)
        .connectionOptions(guard.socketOptions(SocketOptions.create()))
        .shutdownHook(false)
        .shutdownGracePeriod(Duration.ofSeconds(3))
        .routing(routing);
    if (tls != null) {
      listener.tls(tls);
    }
    server = listener.build().start();
    if (!server.isRunning()) {
      guard.close();
      throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port()
          + " (see the error above; is another server running there?)");
    }
    tlsReloader = config.tls() == null ? null : new TlsReloader(config.tls(), TLS_CHECK, server::reloadTls);
    LOG.info("central server listening on " + (config.tls() == null ? "http" : "https") + "://" + config.host()
        + ":" + server.port() + (config.auth().enabled() ? "" : " without authentication"));
    pruner = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("journal-pruner").factory());
    pruner.scheduleWithFixedDelay(() -> {
      prune("history", journal::pruneHistory, clock, config.historyRetention());
      prune("audit", journal::pruneAudit, clock, config.auditRetention());
    }, 0, 1, TimeUnit.HOURS);
  }

  private static void prune(String table, ToLongFunction<Instant> pruneBefore, Clock clock, Duration retention) {
    try {
      long pruned = pruneBefore.applyAsLong(clock.instant().minus(retention));
      if (pruned > 0) {
        LOG.info("pruned " + pruned + " " + table + " rows older than " + retention.toDays() + " days");
      }
    } catch (RuntimeException e) {
      LOG.warning("pruning " + table + " failed, will retry in an hour: " + e.getMessage());
    }
  }

  /** Opens the database (the embedded one when no URL is configured) and starts listening. */
  public static CentralServer start(ServerConfig config) {
    refuseOpenNonLoopback(config);
    Database database;
    try {
      database = config.embeddedDatabase()
          ? Database.openEmbedded(config.dataDir(), config.dbTimeouts())
          : Database.open(ConnectionString.parse(config.db()), config.dbTimeouts());
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

  /** Without credentials configured, anyone who reaches the port could quarantine the fleet. */
  private static void refuseOpenNonLoopback(ServerConfig config) {
    if (config.auth().enabled() || config.auth().allowAnonymous()) {
      return;
    }
    boolean loopback;
    try {
      loopback = InetAddress.getByName(config.host()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot resolve listen address " + config.host());
    }
    if (!loopback) {
      throw new IllegalStateException("refusing to listen on " + config.host() + " without authentication: "
          + "configure auth tokens or a proxy (see --help), or pass --allow-anonymous if something in front "
          + "of this server authenticates");
    }
  }

  public int port() {
    return server.port();
  }

  public Store store() {
    return store;
  }

  Database database() {
    return database;
  }

  /** Completes when the server cannot go on: its embedded database died and would not restart. */
  public CompletableFuture<Void> failure() {
    return database.failure();
  }

  /** Ends SSE streams, lets requests in flight finish, then closes the database. */
  @Override
  public void close() {
    pruner.shutdownNow();
    changes.close();
    descriptions.close();
    powerCycles.close();
    server.stop();
    guard.close();
    if (tlsReloader != null) {
      tlsReloader.close();
    }
    database.close();
    LOG.info("central server stopped");
  }
}
