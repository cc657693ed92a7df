package io.machinestate.server.store;

import java.time.Duration;

/**
 * How long the server waits on its database before giving up, so that a frozen or partitioned
 * database costs requests a bounded wait (and a 503) instead of pinning every pooled connection.
 *
 * @param connect to open a connection, TCP and login included
 * @param statement the database's own limit on one statement
 * @param socket a read on an open connection; bounds how long a frozen database holds a connection
 */
public record DbTimeouts(Duration connect, Duration statement, Duration socket) {
  public static final DbTimeouts DEFAULTS =
      new DbTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(30));

  public DbTimeouts {
    for (Duration d : new Duration[] {connect, statement, socket}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("database timeouts must be positive");
      }
    }
    if (socket.compareTo(statement) <= 0) {
      // the database must get the chance to cancel a slow statement before the socket gives up on it
      throw new IllegalArgumentException("the socket timeout (" + socket.toSeconds()
          + " s) must be longer than the statement timeout (" + statement.toSeconds() + " s)");
    }
  }
}
