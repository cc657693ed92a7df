package io.machinestate.server.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbRow;
import io.machinestate.protocol.Description;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells this replica's sinks of every committed change, made here or through another replica on
 * the same database: once each, and per machine in version order. Changes made here come from the
 * {@link SqlStore} at once; those of other replicas are found by polling for rows whose
 * {@code changed_at} is recent (deletions leave a row in {@code deleted_machine}). No LISTEN/NOTIFY
 * or changefeed is needed, so it works alike on PostgreSQL and CockroachDB.
 *
 * <p>A row can become visible after one with a later {@code changed_at}: commits do not happen in
 * the order of their clocks, and CockroachDB's nodes may differ by up to 500 ms. So each poll looks
 * back {@link #WINDOW} before the newest time it has seen, and skips versions already passed on.
 */
public final class ChangeFeed implements ChangeSink, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ChangeFeed.class.getName());
  static final Duration INTERVAL = Duration.ofMillis(250);
  static final Duration WINDOW = Duration.ofSeconds(2);
  private static final int FETCH_BATCH = 100;
  private static final String RECENT = """
      SELECT machine_id, version, changed_at, false AS deleted FROM description WHERE changed_at > ?
      UNION ALL
      SELECT machine_id, version, changed_at, true AS deleted FROM deleted_machine WHERE changed_at > ?""";

  private final DbClient db;
  private final ObjectMapper json;
  private final ChangeSink sink;
  private final Map<String, Long> passedOn = new ConcurrentHashMap<>();
  private final MachineLocks locks = new MachineLocks(256);
  private final ScheduledExecutorService poller =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("change-feed").factory());
  private Instant newest = Instant.EPOCH; // only the poller's thread
  private boolean failing; // only the poller's thread

  public ChangeFeed(DbClient db, ObjectMapper json, ChangeSink sink) {
    this.db = db;
    this.json = json;
    this.sink = sink;
  }

  /**
   * Notes the versions the database holds now, lets the sinks load the state (at least as new),
   * then polls for what changes after.
   */
  public void start(Runnable loadSinks) {
    var all = Instant.EPOCH.atOffset(ZoneOffset.UTC);
    try (var rows = db.execute().query(RECENT, all, all)) {
      rows.forEach(r -> {
        passedOn.merge(r.column("machine_id").get(String.class), version(r), Math::max);
        newest = max(newest, changedAt(r));
      });
    }
    loadSinks.run();
    poller.scheduleWithFixedDelay(this::poll, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Forgets deletions older than {@code cutoff}; a replica polling less often than that would miss them. */
  public long pruneDeletions(Instant cutoff) {
    try {
      return db.execute().delete("DELETE FROM deleted_machine WHERE changed_at < ?", cutoff.atOffset(ZoneOffset.UTC));
    } catch (DbClientException e) {
      throw new StoreUnavailableException("pruning deletions failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void changed(String machineId, long version, Description description) {
    passOn(machineId, version, () -> sink.changed(machineId, version, description));
  }

  @Override
  public void deleted(String machineId, long version) {
    passOn(machineId, version, () -> sink.deleted(machineId, version));
  }

  /** Runs {@code announce} if {@code version} is newer than any passed on for the machine. */
  private void passOn(String machineId, long version, Runnable announce) {
    locks.inOrder(List.of(machineId), () -> {
      if (version > passedOn.getOrDefault(machineId, 0L)) {
        passedOn.put(machineId, version);
        announce.run();
      }
      return null;
    });
  }

  void poll() {
    try {
      List<String> changed = new ArrayList<>();
      var since = newest.minus(WINDOW).atOffset(ZoneOffset.UTC);
      try (var rows = db.execute().query(RECENT, since, since)) {
        rows.forEach(r -> {
          String id = r.column("machine_id").get(String.class);
          long version = version(r);
          newest = max(newest, changedAt(r));
          if (version <= passedOn.getOrDefault(id, 0L)) {
            return;
          }
          if (r.column("deleted").get(Boolean.class)) {
            deleted(id, version);
          } else {
            changed.add(id);
          }
        });
      }
      fetch(changed);
      if (failing) {
        LOG.info("change feed: the database answers again");
        failing = false;
      }
    } catch (DbClientException | StoreUnavailableException e) {
      if (!failing) {
        LOG.warning("change feed: polling the database failed, retrying every " + INTERVAL.toMillis()
            + " ms: " + e.getMessage());
        failing = true;
      }
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "change feed: poll failed", e);
    }
  }

  /** Reads the Descriptions another replica changed, a batch at a time. */
  private void fetch(List<String> machineIds) {
    for (int from = 0; from < machineIds.size(); from += FETCH_BATCH) {
      List<String> batch = machineIds.subList(from, Math.min(machineIds.size(), from + FETCH_BATCH));
      String sql = "SELECT machine_id, version, description::TEXT AS d FROM description WHERE machine_id IN ("
          + String.join(", ", Collections.nCopies(batch.size(), "?")) + ")";
      try (var rows = db.execute().query(sql, batch.toArray())) {
        rows.forEach(r -> changed(r.column("machine_id").get(String.class), version(r), SqlStore.description(json, r)));
      }
    }
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }

  private static long version(DbRow r) {
    return r.column("version").get(Number.class).longValue();
  }

  private static Instant changedAt(DbRow r) {
    return r.column("changed_at").get(Timestamp.class).toInstant();
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
