package io.machinestate.server.http;

import java.time.Duration;

/**
 * What one client connection may take of the server.
 *
 * @param readTimeout a new connection must deliver its first request header within this (TLS
 *     handshake included), and a request its body within this of its header
 * @param idleTimeout a kept-alive connection must deliver its next request header within this of
 *     its previous response; longer than the agents' 30 s between events, so they reuse connections
 * @param maxConnections open connections at most; more are closed at once
 * @param maxConnectionsPerAddress open connections from one address at most, loopback and trusted
 *     proxies excepted; 0 for no limit
 */
public record ConnectionLimits(Duration readTimeout, Duration idleTimeout, int maxConnections,
    int maxConnectionsPerAddress) {
  public static final ConnectionLimits DEFAULTS =
      new ConnectionLimits(Duration.ofSeconds(20), Duration.ofSeconds(120), 30_000, 1_000);

  public ConnectionLimits {
    if (idleTimeout.compareTo(readTimeout) < 0) {
      throw new IllegalArgumentException("the idle timeout (" + idleTimeout.toSeconds()
          + " s) must be at least the read timeout (" + readTimeout.toSeconds() + " s)");
    }
    if (maxConnections <= 0) {
      throw new IllegalArgumentException("max connections must be positive");
    }
    if (maxConnectionsPerAddress < 0) {
      throw new IllegalArgumentException("max connections per address must be 0 (no limit) or more");
    }
  }
}
