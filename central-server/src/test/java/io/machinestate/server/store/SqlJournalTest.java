package io.machinestate.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How the journal's queries run on the real database: index order for pages, batches for retention. */
class SqlJournalTest {
  @RegisterExtension
  static final TestDatabase database = new TestDatabase();

  @Test
  void pagesReadTheirIndexInOrderWithoutSorting() throws Exception {
    String cursor = SqlJournal.BEFORE_CURSOR;
    assertNoSort(plan(SqlJournal.pageQuery(SqlJournal.HISTORY, List.of("machine_id = ?"), 50), "skia-x"));
    assertNoSort(plan(SqlJournal.pageQuery(SqlJournal.HISTORY, List.of("machine_id = ?", cursor), 50),
        "skia-x", Instant.now().atOffset(ZoneOffset.UTC), UUID.randomUUID().toString()));
    assertNoSort(plan(SqlJournal.pageQuery(SqlJournal.AUDIT, List.of(), 50)));
    assertNoSort(plan(SqlJournal.pageQuery(SqlJournal.AUDIT, List.of("machine_id = ?"), 50), "skia-x"));
    assertNoSort(plan(SqlJournal.pageQuery(SqlJournal.AUDIT, List.of(cursor), 50),
        Instant.now().atOffset(ZoneOffset.UTC), UUID.randomUUID().toString()));
    // the old alias, "id", made ORDER BY sort the text output instead of reading the index
    assertTrue(plan(SqlJournal.pageQuery(SqlJournal.AUDIT.replace("entry_id", "id"), List.of(), 50)).contains("Sort"));
  }

  @Test
  void retentionDeletesOldRowsInBatchesAndKeepsNewOnes() throws Exception {
    int old = 2 * Retention.BATCH + 500;
    try (Connection c = database.connect(); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO history (machine_id, ts, kind, detail, user_name) SELECT 'skia-old', "
          + "now() - INTERVAL '400 days' - n * INTERVAL '1 second', 'created', '', 'test' FROM generate_series(1, "
          + old + ") AS n");
      s.executeUpdate("INSERT INTO history (machine_id, ts, kind, detail, user_name) SELECT 'skia-new', "
          + "now() - INTERVAL '300 days' - n * INTERVAL '1 second', 'created', '', 'test' FROM generate_series(1, 7) AS n");
      s.executeUpdate("INSERT INTO audit (ts, user_name, action, machine_id, body) SELECT "
          + "now() - INTERVAL '400 days' - n * INTERVAL '1 second', 'op', 'toggle_mode', 'skia-old', '' "
          + "FROM generate_series(1, " + old + ") AS n");
      s.executeUpdate("INSERT INTO audit (ts, user_name, action, machine_id, body) SELECT "
          + "now() - INTERVAL '1 day' - n * INTERVAL '1 second', 'op', 'toggle_mode', 'skia-new', '' "
          + "FROM generate_series(1, 7) AS n");
    }
    SqlJournal journal = new SqlJournal(database.client());
    Instant cutoff = Instant.now().minus(Duration.ofDays(365));
    assertEquals(old, journal.pruneHistory(cutoff));
    assertEquals(old, journal.pruneAudit(cutoff));
    assertEquals(0, journal.pruneHistory(cutoff));
    assertEquals(7, count("SELECT COUNT(*) FROM history"));
    assertEquals(7, count("SELECT COUNT(*) FROM audit"));
  }

  private static void assertNoSort(String plan) {
    assertFalse(plan.contains("Sort"), plan);
  }

  /** EXPLAIN in this test's own session, where table and bitmap scans are off so a small table still uses its index. */
  private static String plan(String sql, Object... params) throws Exception {
    try (Connection c = database.connect()) {
      try (Statement s = c.createStatement()) {
        s.execute("SET enable_seqscan = off");
        s.execute("SET enable_bitmapscan = off");
      }
      try (PreparedStatement p = c.prepareStatement("EXPLAIN " + sql)) {
        for (int i = 0; i < params.length; i++) {
          p.setObject(i + 1, params[i]);
        }
        StringBuilder plan = new StringBuilder();
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            plan.append(r.getString(1)).append('\n');
          }
        }
        assertTrue(plan.toString().contains("Index Scan"), plan.toString());
        return plan.toString();
      }
    }
  }

  private static long count(String sql) throws Exception {
    try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

}
