package io.machinestate.server.store;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Deletes old rows in batches, each its own short transaction: one DELETE of a year's rows would
 * hold its locks for long and exceed CockroachDB's transaction limits. A batch that conflicts is
 * run again. The subquery with LIMIT is the form both PostgreSQL and CockroachDB accept.
 */
final class Retention {
  static final int BATCH = 1000;

  private Retention() {}

  /** Deletes the rows of {@code table} whose {@code timeColumn} is before {@code cutoff}; returns how many. */
  static long deleteOlderThan(DbClient db, String table, String timeColumn, Instant cutoff) {
    String sql = "DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table + " WHERE " + timeColumn
        + " < ? LIMIT " + BATCH + ")";
    long total = 0;
    int conflicts = 0;
    while (true) {
      long deleted;
      try {
        deleted = db.execute().delete(sql, cutoff.atOffset(ZoneOffset.UTC));
      } catch (DbClientException e) {
        if (SqlStates.retryable(e) && ++conflicts < SqlStore.MAX_ATTEMPTS) {
          continue;
        }
        throw new StoreUnavailableException("pruning " + table + " failed after " + total + " rows: "
            + e.getMessage(), e);
      }
      total += deleted;
      if (deleted < BATCH) {
        return total;
      }
    }
  }
}
