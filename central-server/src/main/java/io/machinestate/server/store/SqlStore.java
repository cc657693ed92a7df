package io.machinestate.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbRow;
import io.helidon.dbclient.DbTransaction;
import io.machinestate.protocol.Description;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * The {@link Store} on PostgreSQL or CockroachDB. Each update reads the row FOR UPDATE and writes
 * the result in one SERIALIZABLE transaction, retried with jittered backoff when the database
 * reports a serialization conflict (SQLSTATE 40001), as CockroachDB asks clients to do.
 */
public final class SqlStore implements Store {
  private static final Logger LOG = Logger.getLogger(SqlStore.class.getName());
  // PostgreSQL locks index pages, not rows, for SERIALIZABLE reads: busy fleets see false conflicts.
  static final int MAX_ATTEMPTS = 20;
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(2);
  private static final Duration MAX_BACKOFF = Duration.ofMillis(500);

  private static final String SELECT_FOR_UPDATE =
      "SELECT description::TEXT AS d FROM description WHERE machine_id = ? FOR UPDATE";
  private static final String UPSERT = """
      INSERT INTO description (machine_id, powercycle, last_updated, description)
      VALUES (?, ?, ?, ?::JSONB)
      ON CONFLICT (machine_id) DO UPDATE SET
        powercycle = excluded.powercycle,
        last_updated = excluded.last_updated,
        description = excluded.description""";

  private final DbClient db;
  private final SqlJournal journal;
  private final WriteRules rules;
  private final ChangeSink sink;
  private final Clock clock;
  private final ObjectMapper json;
  private final Runnable onConflict;

  /** @param onConflict told of each serialization conflict that is retried, for metrics */
  public SqlStore(DbClient db, SqlJournal journal, WriteRules rules, ChangeSink sink, Clock clock,
      ObjectMapper json, Runnable onConflict) {
    this.db = db;
    this.journal = journal;
    this.rules = rules;
    this.sink = sink;
    this.clock = clock;
    this.json = json;
    this.onConflict = onConflict;
  }

  @Override
  public Description update(String machineId, Change change, UnaryOperator<Description> fn) {
    return write(machineId, change, fn, true).orElseThrow();
  }

  @Override
  public Optional<Description> updateExisting(String machineId, Change change, UnaryOperator<Description> fn) {
    return write(machineId, change, fn, false);
  }

  private Optional<Description> write(String machineId, Change change, UnaryOperator<Description> fn,
      boolean create) {
    Duration backoff = FIRST_BACKOFF;
    for (int attempt = 1; ; attempt++) {
      DbTransaction tx = null;
      try {
        tx = db.transaction();
        Optional<Description> previous = tx.get(SELECT_FOR_UPDATE, machineId).map(this::description);
        if (previous.isEmpty() && !create) {
          tx.rollback();
          return Optional.empty();
        }
        Description before = previous.orElseGet(() -> Description.newDescription(clock.instant()));
        Description after = rules.apply(machineId, fn.apply(before));
        if (previous.isPresent() && after.equals(previous.get()) && !change.audited()) {
          tx.rollback();
          return previous;
        }
        tx.dml(UPSERT, machineId, after.powerCycle(), after.lastUpdated().atOffset(ZoneOffset.UTC), toJson(after));
        journal.record(tx, machineId, change, clock.instant(), previous.orElse(null), after);
        tx.commit();
        sink.changed(machineId, after);
        return Optional.of(after);
      } catch (DbClientException e) {
        rollbackQuietly(tx);
        if (isSerializationFailure(e) && attempt < MAX_ATTEMPTS) {
          onConflict.run();
          sleep(jitter(backoff));
          backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
          continue;
        }
        throw unavailable("update of " + machineId + " failed after " + attempt + " attempt(s)", e);
      } catch (RuntimeException e) {
        rollbackQuietly(tx); // fn refused the change: nothing is written
        throw e;
      }
    }
  }

  private String toJson(Description d) {
    try {
      return json.writeValueAsString(d);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode Description", e);
    }
  }

  @Override
  public Optional<Description> get(String machineId) {
    try {
      return db.execute()
          .get("SELECT description::TEXT AS d FROM description WHERE machine_id = ?", machineId)
          .map(this::description);
    } catch (DbClientException e) {
      throw unavailable("read of " + machineId + " failed", e);
    }
  }

  @Override
  public List<Description> list() {
    try (var rows = db.execute().query("SELECT description::TEXT AS d FROM description ORDER BY machine_id")) {
      return rows.map(this::description).toList();
    } catch (DbClientException e) {
      throw unavailable("listing machines failed", e);
    }
  }

  @Override
  public List<String> listPowerCycle() {
    try (var rows = db.execute()
        .query("SELECT machine_id FROM description WHERE powercycle ORDER BY machine_id")) {
      return rows.map(r -> r.column("machine_id").get(String.class)).toList();
    } catch (DbClientException e) {
      throw unavailable("listing power-cycle requests failed", e);
    }
  }

  @Override
  public boolean delete(String machineId, Change change) {
    long deleted;
    DbTransaction tx = null;
    try {
      tx = db.transaction();
      deleted = tx.delete("DELETE FROM description WHERE machine_id = ?", machineId);
      if (deleted > 0) {
        journal.record(tx, machineId, change, clock.instant(), null, null);
      }
      tx.commit();
    } catch (DbClientException e) {
      rollbackQuietly(tx);
      throw unavailable("delete of " + machineId + " failed", e);
    }
    if (deleted > 0) {
      sink.deleted(machineId);
    }
    return deleted > 0;
  }

  @Override
  public boolean healthy() {
    try {
      return db.execute().get("SELECT 1 AS one").isPresent();
    } catch (DbClientException e) {
      LOG.warning("database health check failed: " + e.getMessage());
      return false;
    }
  }

  private Description description(DbRow row) {
    String text = row.column("d").get(String.class);
    try {
      return json.readValue(text, Description.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored Description is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  static boolean isSerializationFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && "40001".equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  private static StoreUnavailableException unavailable(String what, Throwable e) {
    if (e instanceof StoreUnavailableException s) {
      return s;
    }
    return new StoreUnavailableException(what + ": " + rootMessage(e), e);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  private static void rollbackQuietly(DbTransaction tx) {
    if (tx == null) {
      return;
    }
    try {
      tx.rollback();
    } catch (RuntimeException ignored) {
      // the transaction is already gone with its connection; nothing was written
    }
  }

  private static Duration jitter(Duration d) {
    return Duration.ofNanos(ThreadLocalRandom.current().nextLong(d.toNanos() / 2, d.toNanos() + 1));
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted while retrying", e);
    }
  }
}
