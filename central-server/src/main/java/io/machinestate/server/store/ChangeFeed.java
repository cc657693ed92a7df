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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells this replica's sinks of every committed change, made here or through another replica on
 * the same database: once each, and per machine in version order. Changes made here come from the
 * {@link SqlStore} at once; those of other replicas are found by polling {@code change_log}, where
 * every write and deletion leaves a row naming its writer. No LISTEN/NOTIFY or changefeed is
 * needed, so it works alike on PostgreSQL and CockroachDB. A poll skips this replica's own rows,
 * except those of machines whose write the database left {@link #unconfirmed}: all their rows in
 * the log tell whether it happened.
 *
 * <p>A row can become visible after one with a later {@code changed_at}: commits do not happen in
 * the order of their clocks, and CockroachDB's nodes may differ by up to 500 ms. So each poll looks
 * back {@link #WINDOW} before the database's time at the previous poll, and skips versions already
 * passed on.
 * The log keeps {@link #KEPT} of changes; a replica that cannot poll for longer than that may miss
 * some until each machine's next change.
 */
public final class ChangeFeed implements ChangeSink, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ChangeFeed.class.getName());
  static final Duration INTERVAL = Duration.ofMillis(250);
  static final Duration WINDOW = Duration.ofSeconds(2);
  static final Duration KEPT = Duration.ofMinutes(10);
  private static final int FETCH_BATCH = 100;
  // the database's time comes back even with no row, so the window moves on while only this replica writes
  private static final String RECENT = """
      SELECT now() AS polled_at, machine_id, version, changed_at, deleted
      FROM (SELECT 1) AS one LEFT JOIN change_log ON (changed_at > ? AND writer IS DISTINCT FROM ?)""";

  private final DbClient db;
  private final String replica;
  private final ObjectMapper json;
  private final ChangeSink sink;
  private final Map<String, Long> passedOn = new ConcurrentHashMap<>();
  private final Set<String> unconfirmed = ConcurrentHashMap.newKeySet();
  private final MachineLocks locks = new MachineLocks(256);
  private final ScheduledExecutorService poller =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("change-feed").factory());
  private Instant newest = Instant.EPOCH; // only the poller's thread
  private boolean failing; // only the poller's thread

  /**
   * @param db reads at READ COMMITTED ({@link Database#readCommittedClient()})
   * @param replica the writer this replica's {@link SqlStore} names in its rows
   */
  public ChangeFeed(DbClient db, String replica, ObjectMapper json, ChangeSink sink) {
    this.db = db;
    this.replica = replica;
    this.json = json;
    this.sink = sink;
  }

  /**
   * Notes the versions the database holds now, lets the sinks load the state (at least as new),
   * then polls for what changes after, and prunes the log.
   */
  public void start(Runnable loadSinks) {
    newest = db.execute().get("SELECT now() AS t").orElseThrow().column("t").get(Timestamp.class).toInstant();
    try (var rows = db.execute().query("SELECT machine_id, version FROM description")) {
      rows.forEach(r -> passedOn.put(r.column("machine_id").get(String.class), version(r)));
    }
    loadSinks.run();
    poller.scheduleWithFixedDelay(this::poll, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    poller.scheduleWithFixedDelay(this::prune, 1, 1, TimeUnit.MINUTES);
  }

  @Override
  public void changed(String machineId, long version, Description description) {
    passOn(machineId, version, () -> sink.changed(machineId, version, description));
  }

  @Override
  public void deleted(String machineId, long version) {
    passOn(machineId, version, () -> sink.deleted(machineId, version));
  }

  @Override
  public void unconfirmed(String machineId) {
    unconfirmed.add(machineId);
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
    record Latest(long version, boolean deleted) {}
    List<String> doubtful = List.copyOf(unconfirmed);
    unconfirmed.removeAll(doubtful); // a machine in doubt again meanwhile is looked at again next time
    try {
      Map<String, Latest> latest = new LinkedHashMap<>();
      List<Object> params = new ArrayList<>(List.of(newest.minus(WINDOW).atOffset(ZoneOffset.UTC), replica));
      params.addAll(doubtful);
      // a machine in doubt is looked up in the whole log: its COMMIT may have hung longer than the window
      String sql = RECENT + (doubtful.isEmpty() ? "" : " OR machine_id IN (" + placeholders(doubtful.size()) + ")")
          + " ORDER BY changed_at";
      try (var rows = db.execute().query(sql, params.toArray())) {
        rows.forEach(r -> {
          newest = max(newest, r.column("polled_at").get(Timestamp.class).toInstant());
          if (r.column("machine_id").get(String.class) == null) {
            return; // nothing new
          }
          Latest l = new Latest(version(r), r.column("deleted").get(Boolean.class));
          latest.merge(r.column("machine_id").get(String.class), l, (a, b) -> a.version() >= b.version() ? a : b);
        });
      }
      List<String> changed = new ArrayList<>();
      latest.forEach((id, l) -> {
        if (l.version() <= passedOn.getOrDefault(id, 0L)) {
          return; // passed on already: made here, or seen by an earlier poll
        }
        if (l.deleted()) {
          deleted(id, l.version());
        } else {
          changed.add(id);
        }
      });
      fetch(changed);
      if (failing) {
        LOG.info("change feed: the database answers again");
        failing = false;
      }
    } catch (DbClientException e) {
      unconfirmed.addAll(doubtful);
      if (!failing) {
        LOG.warning("change feed: polling the database failed, retrying every " + INTERVAL.toMillis()
            + " ms: " + e.getMessage());
        failing = true;
      }
    } catch (RuntimeException e) {
      unconfirmed.addAll(doubtful);
      LOG.log(Level.SEVERE, "change feed: poll failed", e);
    }
  }

  /** Reads the Descriptions another replica changed, a batch at a time. */
  private void fetch(List<String> machineIds) {
    for (int from = 0; from < machineIds.size(); from += FETCH_BATCH) {
      List<String> batch = machineIds.subList(from, Math.min(machineIds.size(), from + FETCH_BATCH));
      String sql = "SELECT machine_id, version, description::TEXT AS d FROM description WHERE machine_id IN ("
          + placeholders(batch.size()) + ")";
      try (var rows = db.execute().query(sql, batch.toArray())) {
        rows.forEach(r -> changed(r.column("machine_id").get(String.class), version(r), SqlStore.description(json, r)));
      }
    }
  }

  /** Every replica prunes; they only ever delete the same old rows. */
  private void prune() {
    try {
      Retention.deleteOlderThan(db, "change_log", "changed_at", Instant.now().minus(KEPT));
    } catch (StoreUnavailableException e) {
      LOG.fine("change feed: pruning the log failed, next minute again: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }

  private static String placeholders(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }

  private static long version(DbRow r) {
    return r.column("version").get(Number.class).longValue();
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
