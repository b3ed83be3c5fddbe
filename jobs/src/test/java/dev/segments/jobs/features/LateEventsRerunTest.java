package dev.segments.jobs.features;

import static dev.segments.jobs.TestRuns.group;
import static dev.segments.jobs.TestRuns.track;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segments.common.tables.TableNames;
import dev.segments.jobs.TestRuns;
import java.nio.file.Path;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A past date rerun after a later day brought late events of it: the rerun counts what the date's
 * night knew (scripts/chaos.sh found a resumed backfill that did not): late events, and a late
 * group call that moves a user with an earlier {@code assigned_at} than the rerun date's end.
 */
class LateEventsRerunTest {
  @TempDir Path dir;

  /** A table's rows of the date, in a fixed order (their text). */
  private static List<String> rowsOf(TestRuns runs, String table, String day) {
    return runs
        .table(table)
        .where(col("as_of_date").equalTo(lit(Date.valueOf(day))))
        .collectAsList()
        .stream()
        .map(Row::toString)
        .sorted()
        .toList();
  }

  /** u1's user_features row of the date. */
  private static Row u1On(TestRuns runs, String day) {
    return runs.table(TableNames.USER_FEATURES)
        .where(col("as_of_date").equalTo(lit(Date.valueOf(day))).and(col("user_id").equalTo("u1")))
        .first();
  }

  private static long eventsOfUser(TestRuns runs, String day, String column) {
    return u1On(runs, day).getAs(column);
  }

  private static String accountOf(TestRuns runs, String day) {
    return u1On(runs, day).getAs("account_id");
  }

  /**
   * u1 logs in at 09:00 on 04-01; a second login of 04-01 (21:00) arrives in 04-02's input, with
   * one of 04-02.
   */
  @Test
  void aRerunOfTheDateReadsWhatItsNightKnew() {
    TestRuns runs = new TestRuns(dir.resolve("in"), dir.resolve("wh"));
    runs.day(
        "2026-04-01",
        track("a1", "2026-04-01T09:00:00Z", "u1", "login"),
        track("b1", "2026-04-01T10:00:00Z", "u2", "login"));
    runs.day(
        "2026-04-02",
        track("a2", "2026-04-01T21:00:00Z", "u1", "login"),
        track("a3", "2026-04-02T09:00:00Z", "u1", "login"));
    runs.ok(
        "run",
        "--from",
        "2026-04-01",
        "--to",
        "2026-04-02",
        "--stages",
        "ingest,features,score,segments");
    // By hand: on 04-01 one login was known; on 04-02 three (two of them on 04-01).
    assertEquals(1L, eventsOfUser(runs, "2026-04-01", "total_events_1d"));
    assertEquals(3L, eventsOfUser(runs, "2026-04-02", "total_events_7d"));
    List<String> tables =
        List.of(
            TableNames.USER_FEATURES,
            TableNames.ACCOUNT_FEATURES,
            TableNames.USER_SCORES,
            TableNames.SEGMENT_MEMBERS);
    List<List<String>> night = tables.stream().map(t -> rowsOf(runs, t, "2026-04-01")).toList();
    List<Row> rollup =
        runs.table(TableNames.USER_DAILY_ACTIVITY)
            .orderBy("activity_date", "user_id", "ingest_date")
            .collectAsList();

    runs.ok("run", "--date", "2026-04-01", "--stages", "features,score,segments");

    assertEquals(1L, eventsOfUser(runs, "2026-04-01", "total_events_1d"));
    for (int i = 0; i < tables.size(); i++) {
      assertEquals(night.get(i), rowsOf(runs, tables.get(i), "2026-04-01"), tables.get(i));
    }
    // The rollup keeps what the later day knew: the 04-01 login of 04-02's input is still there.
    assertEquals(
        rollup,
        runs.table(TableNames.USER_DAILY_ACTIVITY)
            .orderBy("activity_date", "user_id", "ingest_date")
            .collectAsList());
    assertEquals(3L, eventsOfUser(runs, "2026-04-02", "total_events_7d"));
  }

  /**
   * u1 joins acme at 08:00 on 04-01. 04-02's input brings a group call stamped 04-01 20:00 that
   * moves u1 to globex: on 04-02 u1 is in globex, but 04-01's night knew only acme, and so must its
   * rerun (an assignment counts on the dates ingested from, not on every date its assigned_at
   * precedes).
   */
  @Test
  void aLateGroupCallDoesNotMoveTheUserOnEarlierDates() {
    TestRuns runs = new TestRuns(dir.resolve("in"), dir.resolve("wh"));
    runs.day(
        "2026-04-01",
        group("g1", "2026-04-01T08:00:00Z", "u1", "acme", "{}"),
        track("a1", "2026-04-01T09:00:00Z", "u1", "login"));
    runs.day(
        "2026-04-02",
        group("g2", "2026-04-01T20:00:00Z", "u1", "globex", "{}"),
        track("a2", "2026-04-02T09:00:00Z", "u1", "login"));
    runs.ok(
        "run", "--from", "2026-04-01", "--to", "2026-04-02", "--stages", "ingest,features,score");
    assertEquals("acme", accountOf(runs, "2026-04-01"));
    assertEquals("globex", accountOf(runs, "2026-04-02"));
    List<String> tables =
        List.of(TableNames.USER_FEATURES, TableNames.ACCOUNT_FEATURES, TableNames.ACCOUNT_SCORES);
    List<List<String>> night = tables.stream().map(t -> rowsOf(runs, t, "2026-04-01")).toList();
    // By hand: on 04-01 acme has u1 (1 login), and globex has no one.
    assertEquals(
        1L,
        runs.table(TableNames.ACCOUNT_FEATURES)
            .where(
                col("as_of_date")
                    .equalTo(lit(Date.valueOf("2026-04-01")))
                    .and(col("account_id").equalTo("acme")))
            .first()
            .<Long>getAs("member_users"));

    runs.ok("run", "--date", "2026-04-01", "--stages", "features,score");

    assertEquals("acme", accountOf(runs, "2026-04-01"));
    for (int i = 0; i < tables.size(); i++) {
      assertEquals(night.get(i), rowsOf(runs, tables.get(i), "2026-04-01"), tables.get(i));
    }
    assertEquals("globex", accountOf(runs, "2026-04-02"));
  }
}
