package io.machinestate.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbRow;
import io.helidon.dbclient.DbTransaction;
import io.machinestate.protocol.Description;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.logging.Logger;

/**
 * The {@link Store} on PostgreSQL or CockroachDB. Each write reads its rows FOR UPDATE and writes
 * the result in one SERIALIZABLE transaction (a new machine is inserted without a read first, and
 * a machine whose Description this replica knows at its current version is updated without one,
 * together with the other such writes in flight, see {@link #writeOne}), retried with jittered
 * backoff when the database reports a serialization conflict or deadlock (SQLSTATE 40001, 40P01),
 * as CockroachDB asks clients to do. Writes to one machine hold its lock (striped, in this
 * process) across the transaction and the announcement, so the {@link ChangeSink} learns of them
 * in commit order.
 * A COMMIT the database did not confirm is reported as {@link AmbiguousCommitException}.
 */
public final class SqlStore implements Store {
  private static final Logger LOG = Logger.getLogger(SqlStore.class.getName());
  // PostgreSQL locks index pages, not rows, for SERIALIZABLE reads: a write that adds an index entry
  // (a row moved off a full page, a page split) can still conflict with writes of other machines.
  static final int MAX_ATTEMPTS = 20;
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(2);
  private static final Duration MAX_BACKOFF = Duration.ofMillis(500);
  // writes of known machines that go in one statement at most (six parameters each)
  static final int MAX_BATCH = 64;

  // the JSON only when the row is not at the version this replica knows (a parameter, -1 for none)
  private static final String SELECT_FOR_UPDATE = """
      SELECT version, CASE WHEN version = CAST(? AS INT8) THEN NULL ELSE description::TEXT END AS d
      FROM description WHERE machine_id = ? FOR UPDATE""";
  private static final String INSERT = """
      INSERT INTO description (machine_id, powercycle, last_updated, description, version)
      VALUES (?, ?, ?, ?::JSONB, ?)
      ON CONFLICT (machine_id) DO
      """;
  private static final String UPSERT = logged(INSERT + """
      UPDATE SET
        powercycle = excluded.powercycle,
        last_updated = excluded.last_updated,
        description = excluded.description,
        version = excluded.version""");
  private static final String CREATE = logged(INSERT + "NOTHING");
  private static final String DELETE = logged("DELETE FROM description WHERE machine_id = ?");

  private final DbClient db;
  private final String replica;
  private final SqlJournal journal;
  private final WriteRules rules;
  private final ChangeSink sink;
  private final Clock clock;
  private final ObjectMapper json;
  private final Runnable onConflict;
  private final MachineLocks locks = new MachineLocks(1024);
  private final KnownDescriptions known = new KnownDescriptions();
  private final GroupCommit<KnownWrite> knownWrites = new GroupCommit<>(MAX_BATCH, this::writeKnown,
      e -> new StoreUnavailableException("not written: the writes before it failed: " + rootMessage(e), e));

  /** What one attempt of a transaction produced; it wrote something exactly when it has announcements. */
  private record Outcome<T>(T value, List<Consumer<ChangeSink>> announcements) {}

  /** A write of a machine whose row this replica knows: {@code after} if the row is still at {@code before}. */
  private record KnownWrite(String machineId, long before, long version, Description after) {}

  /**
   * @param replica names this server in the {@code change_log} rows it writes ({@link ChangeFeed})
   * @param onConflict told of each serialization conflict that is retried, for metrics
   */
  public SqlStore(DbClient db, String replica, SqlJournal journal, WriteRules rules, ChangeSink sink, Clock clock,
      ObjectMapper json, Runnable onConflict) {
    this.db = db;
    this.replica = replica;
    this.journal = journal;
    this.rules = rules;
    this.sink = sink;
    this.clock = clock;
    this.json = json;
    this.onConflict = onConflict;
  }

  @Override
  public Description update(String machineId, Change change, UnaryOperator<Description> fn) {
    return writeOne(new Write(machineId, change, fn), true).orElseThrow();
  }

  @Override
  public Optional<Description> updateExisting(String machineId, Change change, UnaryOperator<Description> fn) {
    return writeOne(new Write(machineId, change, fn), false);
  }

  @Override
  public List<Optional<Description>> updateAllExisting(List<Write> writes) {
    if (writes.isEmpty()) {
      return List.of();
    }
    // rows are locked in machine-id order, so two batches sharing machines cannot deadlock
    List<Integer> byMachine = IntStream.range(0, writes.size()).boxed()
        .sorted(Comparator.comparing(i -> writes.get(i).machineId())).toList();
    return write(writes.stream().map(Write::machineId).toList(), "update of " + writes.size() + " machines", tx -> {
      List<Consumer<ChangeSink>> announcements = new ArrayList<>();
      List<Optional<Description>> results = new ArrayList<>(Collections.nCopies(writes.size(), Optional.empty()));
      for (int i : byMachine) {
        results.set(i, apply(tx, writes.get(i), false, announcements));
      }
      return new Outcome<>(results, announcements);
    });
  }

  @Override
  public boolean delete(String machineId, Change change) {
    return write(List.of(machineId), "delete of " + machineId, tx -> {
      Optional<Versioned> previous = locked(tx, machineId);
      if (previous.isEmpty()) {
        return new Outcome<>(false, List.of());
      }
      long version = nextVersion(previous.get().version());
      tx.dml(DELETE, machineId, version, true, replica);
      journal.record(tx, machineId, change, clock.instant(), null, null);
      return new Outcome<>(true, List.of(s -> s.deleted(machineId, version)));
    });
  }

  /**
   * A machine's write: with no read if its row is still at the version this replica knows
   * ({@link #onKnownVersion}), else in a transaction that reads its row FOR UPDATE. An unknown machine is
   * created by a transaction of its own that reads nothing first ({@link #create}): a read finding
   * no row would hold, until its commit, a predicate lock on the index page where the row goes,
   * which every other creation or update on that page then conflicts with.
   */
  private Optional<Description> writeOne(Write w, boolean create) {
    String what = "update of " + w.machineId();
    return locks.inOrder(List.of(w.machineId()), () -> {
      List<String> ids = List.of(w.machineId());
      Optional<Description> updated = onKnownVersion(w);
      if (updated.isEmpty()) {
        updated = announced(ids, what, tx -> one(tx, w, false));
      }
      if (updated.isPresent() || !create) {
        return updated;
      }
      Optional<Description> created = announced(ids, what, tx -> create(tx, w));
      // another replica created it in between: write over that, as an update (or a creation if it went again)
      return created.isPresent() ? created : announced(ids, what, tx -> one(tx, w, true));
    });
  }

  /**
   * The usual event: the machine's row is at the version this replica knows, and the write changes
   * the row alone (nothing to audit, nothing for its history). It is then written with no read
   * first, if the row is still at that version, together with the other such writes that arrive
   * meanwhile ({@link GroupCommit}): two round trips (the statement and COMMIT) for the lot. Empty
   * if the row has moved on or the write needs more; the caller then reads the row.
   */
  private Optional<Description> onKnownVersion(Write w) {
    String id = w.machineId();
    Versioned before = known.get(id);
    if (before == null) {
      return Optional.empty();
    }
    Description after = rules.apply(id, w.fn().apply(before.description()));
    if (after.equals(before.description()) || SqlJournal.records(w.change(), before.description(), after)) {
      return Optional.empty();
    }
    boolean made = knownWrites.submit(new KnownWrite(id, before.version(), nextVersion(before.version()), after));
    return made ? Optional.of(after) : Optional.empty();
  }

  /**
   * One statement updates each row still at the version its write expects, and logs each it
   * updated; COMMIT, then the announcements, go out while every writer of the batch still holds its
   * machine's lock, so a machine's announcements keep their commit order.
   */
  private boolean[] writeKnown(List<KnownWrite> writes) {
    List<String> ids = writes.stream().map(KnownWrite::machineId).toList();
    String what = ids.size() == 1 ? "update of " + ids.getFirst() : "update of " + ids.size() + " machines";
    List<Object> params = new ArrayList<>(writes.size() * 6 + 1);
    for (KnownWrite w : writes) {
      Description d = w.after();
      params.addAll(List.of(w.machineId(), d.powerCycle(), d.lastUpdated().atOffset(ZoneOffset.UTC), toJson(d),
          w.version(), w.before()));
    }
    params.add(replica);
    String sql = updateIfAt(writes.size());
    return announced(ids, what, tx -> {
      Set<String> updated;
      try (Stream<DbRow> rows = tx.query(sql, params.toArray())) {
        updated = rows.map(r -> r.column("machine_id").get(String.class)).collect(Collectors.toSet());
      }
      boolean[] made = new boolean[writes.size()];
      List<Consumer<ChangeSink>> announcements = new ArrayList<>();
      for (int i = 0; i < writes.size(); i++) {
        KnownWrite w = writes.get(i);
        made[i] = updated.contains(w.machineId());
        if (made[i]) {
          announcements.add(s -> s.changed(w.machineId(), w.version(), w.after()));
        }
      }
      return new Outcome<>(made, announcements);
    });
  }

  /**
   * The statement of {@link #writeKnown} for {@code n} writes: per write the machine, its row's new
   * columns, its new version and the version it must be at; then this replica, for the
   * {@code change_log} rows. Returns the machines it updated.
   */
  private static String updateIfAt(int n) {
    StringBuilder sql = new StringBuilder(
        "WITH w (machine_id, powercycle, last_updated, description, version, at_version) AS (VALUES\n");
    for (int i = 0; i < n; i++) {
      sql.append(i == 0 ? "  " : ",\n  ").append(
          "(CAST(? AS TEXT), CAST(? AS BOOLEAN), CAST(? AS TIMESTAMPTZ), CAST(? AS JSONB), CAST(? AS INT8), CAST(? AS INT8))");
    }
    return sql.append("""
        ),
        written AS (
          UPDATE description AS d SET powercycle = w.powercycle, last_updated = w.last_updated,
            description = w.description, version = w.version
          FROM w WHERE d.machine_id = w.machine_id AND d.version = w.at_version
          RETURNING d.machine_id, d.version)
        INSERT INTO change_log (changed_at, machine_id, version, deleted, writer)
        SELECT clock_timestamp(), machine_id, version, false, CAST(? AS TEXT) FROM written
        RETURNING machine_id""").toString();
  }

  private Outcome<Optional<Description>> one(DbTransaction tx, Write w, boolean create) {
    List<Consumer<ChangeSink>> announcements = new ArrayList<>();
    return new Outcome<>(apply(tx, w, create, announcements), announcements);
  }

  /**
   * Inserts the machine unless its row exists (then empty). ON CONFLICT looks the key up outside the
   * transaction's snapshot, so it takes no predicate lock.
   */
  private Outcome<Optional<Description>> create(DbTransaction tx, Write w) {
    String id = w.machineId();
    Description after = rules.apply(id, w.fn().apply(Description.newDescription(clock.instant())));
    long version = nextVersion(0);
    if (tx.dml(CREATE, row(id, after, version, false)) == 0) {
      return new Outcome<>(Optional.empty(), List.of());
    }
    journal.record(tx, id, w.change(), clock.instant(), null, after);
    return new Outcome<>(Optional.of(after), List.of(s -> s.changed(id, version, after)));
  }

  /** Reads the row FOR UPDATE, applies the write and records it; adds its announcement if it wrote. */
  private Optional<Description> apply(DbTransaction tx, Write w, boolean create,
      List<Consumer<ChangeSink>> announcements) {
    String id = w.machineId();
    Optional<Versioned> previous = locked(tx, id);
    if (previous.isEmpty() && !create) {
      return Optional.empty();
    }
    Description before = previous.map(Versioned::description).orElseGet(() -> Description.newDescription(clock.instant()));
    Description after = rules.apply(id, w.fn().apply(before));
    if (previous.isPresent() && after.equals(before) && !w.change().audited()) {
      return Optional.of(before);
    }
    long version = nextVersion(previous.map(Versioned::version).orElse(0L));
    tx.dml(UPSERT, row(id, after, version, false));
    journal.record(tx, id, w.change(), clock.instant(), previous.map(Versioned::description).orElse(null), after);
    announcements.add(s -> s.changed(id, version, after));
    return Optional.of(after);
  }

  /** Reads the machine's row FOR UPDATE; its JSON is read and parsed only when not {@link #known}. */
  private Optional<Versioned> locked(DbTransaction tx, String machineId) {
    Versioned cached = known.get(machineId);
    return tx.get(SELECT_FOR_UPDATE, cached == null ? -1L : cached.version(), machineId).map(row -> {
      if (row.column("d").get(String.class) == null) {
        return cached;
      }
      Versioned read = versioned(row);
      known.changed(machineId, read.version(), read.description());
      return read;
    });
  }

  /**
   * Runs {@code work} in a transaction while holding the machines' locks, and announces what it
   * wrote before letting go of them: announcements of one machine thus go out in commit order.
   */
  private <T> T write(Collection<String> machineIds, String what, Function<DbTransaction, Outcome<T>> work) {
    return locks.inOrder(machineIds, () -> announced(machineIds, what, work));
  }

  /**
   * Runs {@code work} in a transaction and announces what it wrote, or that it may have written to
   * {@code machineIds} when the commit went unconfirmed; the caller holds the machines' locks.
   */
  private <T> T announced(Collection<String> machineIds, String what, Function<DbTransaction, Outcome<T>> work) {
    Outcome<T> outcome;
    try {
      outcome = transact(what, work);
    } catch (AmbiguousCommitException e) {
      machineIds.forEach(sink::unconfirmed);
      throw e;
    }
    outcome.announcements().forEach(a -> {
      a.accept(known);
      a.accept(sink);
    });
    return outcome.value();
  }

  /**
   * The parameters of {@link #UPSERT} and {@link #CREATE}: the row, then its {@code change_log}
   * entry's version, deletion flag and writer ({@link #logged}).
   */
  private Object[] row(String id, Description d, long version, boolean deleted) {
    return new Object[] {id, d.powerCycle(), d.lastUpdated().atOffset(ZoneOffset.UTC), toJson(d), version, version,
        deleted, replica};
  }

  /**
   * {@code write} and the {@code change_log} row telling other replicas of it, in one statement (one
   * round trip): the log row is written exactly when {@code write} changed a row. Its parameters
   * are those of {@code write}, then the version, whether the machine was deleted, and this replica.
   * clock_timestamp(), not now(): the time of the write itself, close to the commit, which is what
   * the replicas' ChangeFeed polls by.
   */
  private static String logged(String write) {
    return "WITH written AS (" + write + " RETURNING machine_id)\n"
        + "INSERT INTO change_log (changed_at, machine_id, version, deleted, writer)\n"
        + "SELECT clock_timestamp(), machine_id, CAST(? AS INT8), CAST(? AS BOOLEAN), CAST(? AS TEXT) FROM written";
  }

  /**
   * The one transaction runner of every write: retries serialization failures and deadlocks,
   * including those reported by COMMIT (a definite rollback), and tells an unconfirmed COMMIT
   * apart from a failure that wrote nothing.
   */
  private <T> Outcome<T> transact(String what, Function<DbTransaction, Outcome<T>> work) {
    Duration backoff = FIRST_BACKOFF;
    for (int attempt = 1; ; attempt++) {
      DbTransaction tx = null;
      boolean committing = false;
      try {
        tx = db.transaction();
        Outcome<T> outcome = work.apply(tx);
        if (outcome.announcements().isEmpty()) {
          tx.rollback(); // nothing was written
        } else {
          committing = true;
          tx.commit();
        }
        return outcome;
      } catch (DbClientException e) {
        rollbackQuietly(tx);
        if (SqlStates.retryable(e) && attempt < MAX_ATTEMPTS) {
          onConflict.run();
          sleep(jitter(backoff));
          backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
          continue;
        }
        if (committing && SqlStates.outcomeUnknown(e)) {
          throw new AmbiguousCommitException(what + ": the database did not confirm the commit: " + rootMessage(e), e);
        }
        throw unavailable(what + " failed after " + attempt + " attempt(s)", e);
      } catch (RuntimeException e) {
        rollbackQuietly(tx); // work refused the change: nothing is written
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
    return getVersioned(machineId).map(Versioned::description);
  }

  @Override
  public Optional<Versioned> getVersioned(String machineId) {
    try {
      return db.execute()
          .get("SELECT description::TEXT AS d, version FROM description WHERE machine_id = ?", machineId)
          .map(this::versioned);
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
  public List<Versioned> listVersioned() {
    try (var rows = db.execute().query("SELECT description::TEXT AS d, version FROM description ORDER BY machine_id")) {
      return rows.map(this::versioned).toList();
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
  public boolean healthy() {
    try {
      return db.execute().get("SELECT 1 AS one").isPresent();
    } catch (DbClientException e) {
      LOG.warning("database health check failed: " + e.getMessage());
      return false;
    }
  }

  /**
   * Above the last one, and at least the time in microseconds: a machine deleted and created again
   * starts above the version its deletion had, with no need to remember it.
   */
  private long nextVersion(long previous) {
    Instant now = clock.instant();
    return Math.max(previous + 1, now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000);
  }

  private static long version(DbRow row) {
    return row.column("version").get(Number.class).longValue();
  }

  private Versioned versioned(DbRow row) {
    return new Versioned(version(row), description(row));
  }

  private Description description(DbRow row) {
    return description(json, row);
  }

  static Description description(ObjectMapper json, DbRow row) {
    String text = row.column("d").get(String.class);
    try {
      return json.readValue(text, Description.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored Description is not valid JSON: " + e.getOriginalMessage(), e);
    }
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
