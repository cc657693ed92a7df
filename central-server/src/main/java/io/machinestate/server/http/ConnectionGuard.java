package io.machinestate.server.http;

import io.helidon.common.socket.SocketOptions;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * Enforces {@link ConnectionLimits}. Helidon 4.0.5 has no read timeout for server connections (its
 * {@code SocketOptions.readTimeout} is the client's), no per-address limit, and its
 * {@code maxTcpConnections} stops accepting rather than refusing, so health probes would hang with
 * everyone else. So this sees every accepted socket through the listener's {@link SocketOptions}
 * (the one hook Helidon calls for each) and refuses or registers it there, follows its requests as
 * a routing filter, and a watchdog closes the sockets that miss their deadline.
 *
 * <p>A deadline runs only while the server waits for the client: for the header of its first
 * request, for a body, for the next request on a kept-alive connection. None runs while a request is
 * served, so an SSE follower, which sends nothing after its request, stays as long as it likes.
 */
public final class ConnectionGuard implements Filter, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ConnectionGuard.class.getName());
  private static final long NONE = Long.MAX_VALUE;

  private final ConnectionLimits limits;
  private final Predicate<InetAddress> unlimited;
  private final Map<SocketAddress, Connection> connections = new ConcurrentHashMap<>();
  private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
  /** Addresses refused since they last fell below their limit: a refusal is logged once a spell. */
  private final Set<InetAddress> refusing = ConcurrentHashMap.newKeySet();
  private volatile boolean refusingAll;
  private final Thread watchdog;

  /** @param unlimited addresses without a per-address limit: loopback, the trusted proxies */
  public ConnectionGuard(ConnectionLimits limits, Predicate<InetAddress> unlimited) {
    this.limits = limits;
    this.unlimited = unlimited;
    Duration every = limits.readTimeout().dividedBy(10);
    Duration sweep = every.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : every;
    watchdog = Thread.ofPlatform().daemon().name("connection-guard").start(() -> watch(sweep));
  }

  /** One client connection and what the server waits for from it. */
  static final class Connection {
    private final Socket socket;
    private final InetAddress address;
    private volatile long deadline;
    private volatile String awaiting;
    private volatile Duration allowed;

    Connection(Socket socket, InetAddress address) {
      this.socket = socket;
      this.address = address;
    }

    void await(String what, Duration within) {
      awaiting = what;
      allowed = within;
      deadline = System.nanoTime() + within.toNanos();
    }

    void serving() {
      deadline = NONE;
    }
  }

  /** The listener's socket options, which also hand each accepted socket to this guard. */
  public SocketOptions socketOptions(SocketOptions base) {
    return new GuardedOptions(base);
  }

  /** Called by {@link RequestReader} once a body is read: the rest is the server's time. */
  static void bodyRead(ServerRequest req) {
    req.context().get(Connection.class).ifPresent(Connection::serving);
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    Connection c = connections.get(req.remotePeer().address());
    if (c == null) {
      chain.proceed();
      return;
    }
    if (req.content().hasEntity()) {
      c.await("request body", limits.readTimeout());
      req.context().register(c);
    } else {
      c.serving();
    }
    try {
      chain.proceed();
    } finally {
      c.await("next request", limits.idleTimeout());
    }
  }

  private void accepted(Socket socket) {
    SocketAddress remote = socket.getRemoteSocketAddress();
    InetAddress address = ((InetSocketAddress) remote).getAddress();
    if (connections.size() >= limits.maxConnections()) {
      if (!refusingAll) {
        refusingAll = true;
        LOG.warning("refusing connections: " + connections.size() + " are open, the most allowed"
            + " (--max-connections); further refusals are not logged until one closes");
      }
      throw refused();
    }
    refusingAll = false;
    // only the listener's thread accepts, so nothing comes between this count and its increment
    int count = perAddress.getOrDefault(address, 0);
    if (limits.maxConnectionsPerAddress() > 0 && !unlimited.test(address)
        && count >= limits.maxConnectionsPerAddress()) {
      if (refusing.add(address)) {
        LOG.warning("refusing connections from " + address.getHostAddress() + ": " + count
            + " are open, the most allowed from one address (--max-connections-per-address);"
            + " further refusals are not logged until one closes");
      }
      throw refused();
    }
    perAddress.merge(address, 1, Integer::sum);
    Connection c = new Connection(socket, address);
    c.await("request header", limits.readTimeout());
    Connection replaced = connections.put(remote, c);
    if (replaced != null) {
      forget(replaced);
    }
  }

  /** Helidon closes the socket of a connection it cannot set up, and logs nothing above TRACE. */
  private static UncheckedIOException refused() {
    return new UncheckedIOException(new IOException("connection refused by limit"));
  }

  private void watch(Duration every) {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(every);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      connections.forEach((remote, c) -> {
        if (c.socket.isClosed()) {
          if (connections.remove(remote, c)) {
            forget(c);
          }
        } else if (c.deadline != NONE && now - c.deadline > 0) {
          LOG.info("closed connection from " + c.address.getHostAddress() + ": sent no " + c.awaiting
              + " within " + c.allowed.toSeconds() + " s");
          closeQuietly(c.socket);
        }
      });
    }
  }

  private void forget(Connection c) {
    perAddress.computeIfPresent(c.address, (a, n) -> n > 1 ? n - 1 : null);
    refusing.remove(c.address);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closed is what we wanted
    }
  }

  @Override
  public void close() {
    watchdog.interrupt();
  }

  /** Helidon's options, but each accepted socket is also registered (or refused) here. */
  private final class GuardedOptions implements SocketOptions {
    private final SocketOptions base;

    GuardedOptions(SocketOptions base) {
      this.base = base;
    }

    @Override
    public void configureSocket(Socket socket) {
      base.configureSocket(socket);
      accepted(socket);
    }

    @Override
    public Map<SocketOption<?>, Object> socketOptions() {
      return base.socketOptions();
    }

    @Override
    public Duration connectTimeout() {
      return base.connectTimeout();
    }

    @Override
    public Duration readTimeout() {
      return base.readTimeout();
    }

    @Override
    public Optional<Integer> socketReceiveBufferSize() {
      return base.socketReceiveBufferSize();
    }

    @Override
    public Optional<Integer> socketSendBufferSize() {
      return base.socketSendBufferSize();
    }

    @Override
    public boolean socketReuseAddress() {
      return base.socketReuseAddress();
    }

    @Override
    public boolean socketKeepAlive() {
      return base.socketKeepAlive();
    }

    @Override
    public boolean tcpNoDelay() {
      return base.tcpNoDelay();
    }
  }
}
