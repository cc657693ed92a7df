package io.machinestate.server.store;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/** What a database failure means, read from the SQLSTATEs in its chain of causes. */
final class SqlStates {
  private SqlStates() {}

  /** Whether any exception in the chain carries one of {@code states}. */
  static boolean any(Throwable e, String... states) {
    return of(e).anyMatch(List.of(states)::contains);
  }

  /** Serialization failures and deadlocks roll the transaction back; running it again may succeed. */
  static boolean retryable(Throwable e) {
    return any(e, "40001", "40P01");
  }

  /**
   * Whether a failed COMMIT leaves the outcome unknown: CockroachDB's "result is ambiguous"
   * (40003), or the connection lost during it (class 08, an I/O error, or the server shutting the
   * session down, class 57P) before the server's answer arrived.
   */
  static boolean outcomeUnknown(Throwable e) {
    return Stream.iterate(e, Objects::nonNull, Throwable::getCause).anyMatch(IOException.class::isInstance)
        || of(e).anyMatch(s -> s.equals("40003") || s.startsWith("08") || s.startsWith("57P"));
  }

  private static Stream<String> of(Throwable e) {
    return Stream.iterate(e, Objects::nonNull, Throwable::getCause)
        .filter(SQLException.class::isInstance)
        .map(t -> ((SQLException) t).getSQLState())
        .filter(Objects::nonNull);
  }
}
