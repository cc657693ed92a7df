package io.machinestate.server.store;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Journal.AuditEntry;
import io.machinestate.protocol.Journal.HistoryEntry;
import io.machinestate.protocol.Journal.Page;
import io.machinestate.protocol.Times;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The audit and history tables. Rows are written by {@link SqlStore} inside the transaction of the
 * change they describe, so a change and its record commit together or not at all. Pages are read
 * in index order; rows past their retention are deleted in bounded batches.
 */
public final class SqlJournal {
  public static final int MAX_LIMIT = 1000;
  static final String AUDIT = "SELECT id::TEXT AS entry_id, ts, user_name, action, machine_id, body FROM audit";
  static final String HISTORY = "SELECT id::TEXT AS entry_id, ts, kind, detail, user_name FROM history";
  static final String BEFORE_CURSOR = "(ts, id) < (?, ?::UUID)";

  /** Filters of the audit trail; null means any. */
  public record AuditQuery(String machineId, String user, String action, Instant since, Instant until,
      int limit, String before) {}

  private final DbClient db;

  public SqlJournal(DbClient db) {
    this.db = db;
  }

  /** Whether {@link #record} writes anything for this change of a machine that exists before and after it. */
  static boolean records(Change change, Description before, Description after) {
    return change.audited() || !History.transitions(before, after).isEmpty();
  }

  void record(DbExecute tx, String machineId, Change change, Instant now, Description before, Description after) {
    OffsetDateTime ts = now.atOffset(ZoneOffset.UTC);
    if (change.audited()) {
      tx.insert("INSERT INTO audit (ts, user_name, action, machine_id, body) VALUES (?, ?, ?, ?, ?)",
          ts, change.user(), change.action(), machineId, change.body());
    }
    List<History.Transition> transitions = after == null
        ? List.of(new History.Transition("deleted", ""))
        : History.transitions(before, after);
    if (transitions.isEmpty()) {
      return;
    }
    // one statement for all of them, one round trip
    List<Object> params = new ArrayList<>();
    for (int i = 0; i < transitions.size(); i++) {
      History.Transition t = transitions.get(i);
      // a microsecond apart, the database's precision, so rows written together read back in order
      Collections.addAll(params, machineId, ts.plusNanos(1000L * i), t.kind(), t.detail(), change.user());
    }
    tx.insert("INSERT INTO history (machine_id, ts, kind, detail, user_name) VALUES "
        + String.join(", ", Collections.nCopies(transitions.size(), "(?, ?, ?, ?, ?)")), params.toArray());
  }

  public Page<AuditEntry> audit(AuditQuery q) {
    List<String> where = new ArrayList<>();
    List<Object> params = new ArrayList<>();
    if (q.machineId() != null) {
      where.add("machine_id = ?");
      params.add(q.machineId());
    }
    if (q.user() != null) {
      where.add("user_name = ?");
      params.add(q.user());
    }
    if (q.action() != null) {
      where.add("action = ?");
      params.add(q.action());
    }
    if (q.since() != null) {
      where.add("ts >= ?");
      params.add(q.since().atOffset(ZoneOffset.UTC));
    }
    if (q.until() != null) {
      where.add("ts < ?");
      params.add(q.until().atOffset(ZoneOffset.UTC));
    }
    List<AuditEntry> rows = page(AUDIT, where, params, q.before(), q.limit(),
        r -> new AuditEntry(r.column("entry_id").get(String.class), instant(r), r.column("user_name").get(String.class),
            r.column("action").get(String.class), r.column("machine_id").get(String.class),
            r.column("body").get(String.class)));
    String next = next(rows, q.limit(), e -> cursor(e.time(), e.id()));
    return new Page<>(rows, next);
  }

  public Page<HistoryEntry> history(String machineId, int limit, String before) {
    record Row(HistoryEntry entry, String id) {}
    List<Row> rows = page(HISTORY, List.of("machine_id = ?"), List.of(machineId), before, limit,
        r -> new Row(new HistoryEntry(instant(r), r.column("kind").get(String.class),
            r.column("detail").get(String.class), r.column("user_name").get(String.class)),
            r.column("entry_id").get(String.class)));
    String next = next(rows, limit, r -> cursor(r.entry().time(), r.id()));
    return new Page<>(rows.stream().map(Row::entry).toList(), next);
  }

  /** Deletes history older than {@code cutoff}; returns how many rows went. */
  public long pruneHistory(Instant cutoff) {
    return prune("history", cutoff);
  }

  /** Deletes audit entries older than {@code cutoff}; returns how many rows went. */
  public long pruneAudit(Instant cutoff) {
    return prune("audit", cutoff);
  }

  private long prune(String table, Instant cutoff) {
    return Retention.deleteOlderThan(db, table, "ts", cutoff);
  }

  private <T> List<T> page(String select, List<String> conditions, List<Object> params, String before, int limit,
      Function<DbRow, T> map) {
    List<String> where = new ArrayList<>(conditions);
    List<Object> args = new ArrayList<>(params);
    if (before != null) {
      Cursor c = Cursor.parse(before);
      where.add(BEFORE_CURSOR);
      args.add(c.time().atOffset(ZoneOffset.UTC));
      args.add(c.id());
    }
    String sql = pageQuery(select, where, limit);
    try (var rows = db.execute().query(sql, args.toArray())) {
      return rows.map(map).collect(Collectors.toCollection(ArrayList::new));
    } catch (DbClientException e) {
      throw new StoreUnavailableException("reading the journal failed: " + e.getMessage(), e);
    }
  }

  /**
   * Newest first. The id is read under another name: ORDER BY binds to an output column of the
   * same name, and sorting by the id as text would stop the database reading the index in order.
   */
  static String pageQuery(String select, List<String> where, int limit) {
    return select + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
        + " ORDER BY ts DESC, id DESC LIMIT " + (limit + 1);
  }

  /** One more row than asked for was read: its presence says there is a next page; it is dropped. */
  private static <T> String next(List<T> rows, int limit, Function<T, String> cursor) {
    if (rows.size() <= limit) {
      return "";
    }
    String next = cursor.apply(rows.get(limit - 1));
    rows.subList(limit, rows.size()).clear();
    return next;
  }

  private static Instant instant(DbRow r) {
    return r.column("ts").get(Timestamp.class).toInstant();
  }

  private static String cursor(Instant time, String id) {
    return Times.format(time) + "," + id;
  }

  /** Where a page starts: strictly older than this time and id. */
  record Cursor(Instant time, String id) {
    static Cursor parse(String s) {
      int comma = s.indexOf(',');
      try {
        return new Cursor(Times.parse(s.substring(0, comma)), UUID.fromString(s.substring(comma + 1)).toString());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("invalid page cursor \"" + s + "\"");
      }
    }
  }
}
