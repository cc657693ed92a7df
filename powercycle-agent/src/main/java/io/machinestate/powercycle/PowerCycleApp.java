package io.machinestate.powercycle;

import com.pi4j.context.Context;
import io.machinestate.powercycle.config.PowerCycleConfig;
import io.machinestate.powercycle.controller.Controller;
import io.machinestate.powercycle.controller.Controllers;
import io.machinestate.powercycle.cycle.AgentSettings;
import io.machinestate.powercycle.cycle.CompletionJournal;
import io.machinestate.powercycle.cycle.PowerCycleAgent;
import io.machinestate.powercycle.cycle.PowerCycler;
import io.machinestate.powercycle.cycle.PoweredOffJournal;
import io.machinestate.powercycle.metrics.AgentMetrics;
import io.machinestate.powercycle.server.CentralServerClient;
import io.machinestate.powercycle.server.RequestWatcher;
import io.machinestate.powercycle.server.StateReporter;
import io.machinestate.protocol.BearerToken;
import io.machinestate.protocol.Json;
import io.machinestate.protocol.ServerTls;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * The agent wired together. Building it claims the GPIO lines (in the powered state); {@link
 * #start()} does the rest of the start-up, and {@link #close()} is what SIGTERM does.
 */
public final class PowerCycleApp implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(PowerCycleApp.class.getName());

  private final OkHttpClient http;
  private final StateReporter reporter;
  private final PowerCycleAgent agent;
  private final RequestWatcher watcher;

  /**
   * @param token the bearer token sent on every request to the server, if any
   * @param tls the certificates the server connection trusts instead of the JVM's, if any
   * @param gpioContext the Pi4J context for a GPIO chip name; the caller shuts them down after
   *     {@link #close()}
   * @param gpioProvider the Pi4J digital output provider id
   * @param home the user's home, for the SSH keys, {@code known_hosts} and configuration in {@code ~/.ssh}
   */
  public PowerCycleApp(
      HttpUrl server,
      Optional<String> token,
      Optional<ServerTls> tls,
      Path stateDir,
      PowerCycleConfig config,
      Function<String, Context> gpioContext,
      String gpioProvider,
      Path home,
      AgentMetrics metrics,
      AgentSettings settings) throws IOException {
    this.http = new OkHttpClient.Builder()
        .connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(15))
        .callTimeout(Duration.ofSeconds(30))
        .build();
    // Power strips get the plain client: the token and the private CA are for the central server only.
    List<Controller> controllers = Controllers.create(config, gpioContext, gpioProvider, http, home, settings.sshTimeout());
    OkHttpClient serverHttp = ServerTls.centralServerClient(http, tls, token.map(BearerToken::new));
    LOG.log(Level.INFO, (token.isPresent()
        ? "sending a bearer token to " + server
        : "no token for " + server + " (--token-file, --token); a server with access control will refuse us")
        + tls.map(t -> "; trusting " + t).orElse(""));
    CentralServerClient client = new CentralServerClient(server, serverHttp, Json.newMapper());
    this.reporter = new StateReporter(client, settings.retryInterval());
    CompletionJournal journal = new CompletionJournal(stateDir, Json.newMapper());
    PowerCycler cycler = new PowerCycler(new PoweredOffJournal(stateDir, Json.newMapper()), metrics, Duration.ofSeconds(1));
    this.agent = new PowerCycleAgent(controllers, client, reporter, journal, cycler, metrics, settings.retryInterval());
    // The central server sends a heartbeat every 15 s; a stream silent for longer is dead, so follow it anew.
    OkHttpClient streamHttp = serverHttp.newBuilder().readTimeout(Duration.ofMinutes(2)).callTimeout(Duration.ZERO).build();
    this.watcher = new RequestWatcher(client, streamHttp, settings.pollInterval(), settings.retryInterval(), agent);
  }

  /** Restores what a crash left off, reports availability, then follows the server's requests. */
  public void start() throws IOException {
    agent.start();
    reporter.start();
    watcher.start();
  }

  @Override
  public void close() {
    watcher.close();
    agent.close();
    reporter.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
