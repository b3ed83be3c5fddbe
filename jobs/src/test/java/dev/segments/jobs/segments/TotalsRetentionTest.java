package dev.segments.jobs.segments;

import static dev.segments.jobs.TestRuns.track;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.common.tables.TableNames;
import dev.segments.jobs.TestRuns;
import java.nio.file.Path;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A past date rebuilt after its totals snapshot was removed: segments over all-time event counts or
 * first / last occurrences read the totals computed from the events ingested up to the date, and
 * the date's memberships come out as its night wrote them (not as if the users had no events).
 */
class TotalsRetentionTest {
  @TempDir static Path dir;
  static TestRuns runs;
  static final List<String> DAYS = List.of("2026-04-01", "2026-04-02", "2026-04-03", "2026-04-04");

  @BeforeAll
  static void fiveNights() {
    // Totals snapshots kept 1 day: after 04-04's run the oldest kept is 04-03.
    runs = new TestRuns(dir.resolve("in"), dir.resolve("wh"), "-Dfeatures.totals-retention-days=1");
    runs.segments(
        "history.conf",
        """
        segments = [
          { id = ever_reported, entity = user, where = { event = report_created, at_least = 1, ever = true } }
          { id = first_report_long_ago, entity = user,
            where = { event = report_created, occurrence = first, op = more_than_days_ago, days = 1 } }
          { id = logged_in_today, entity = user,
            where = { event = login, at_least = 1, within_days = 1 } }
        ]
        """);
    // u1 creates a report on 04-01 only; u1 and u2 log in every day.
    for (String day : DAYS) {
      if (day.equals("2026-04-01")) {
        runs.day(
            day,
            track("r1", day + "T09:00:00Z", "u1", "report_created"),
            track("l1-" + day, day + "T10:00:00Z", "u1", "login"),
            track("l2-" + day, day + "T10:00:00Z", "u2", "login"));
      } else {
        runs.day(
            day,
            track("l1-" + day, day + "T10:00:00Z", "u1", "login"),
            track("l2-" + day, day + "T10:00:00Z", "u2", "login"));
      }
    }
    runs.ok(
        "run",
        "--from",
        DAYS.get(0),
        "--to",
        DAYS.get(3),
        "--stages",
        "ingest,features,score,segments");
  }

  private static List<String> members(String segment, String day) {
    return runs
        .table("segment_" + segment)
        .where(col("as_of_date").equalTo(lit(Date.valueOf(day))))
        .select("user_id")
        .orderBy("user_id")
        .collectAsList()
        .stream()
        .map(r -> r.getString(0))
        .toList();
  }

  private static List<Row> night(String day) {
    return runs.table(TableNames.SEGMENT_MEMBERS)
        .where(col("as_of_date").equalTo(lit(Date.valueOf(day))))
        .orderBy("segment_id", "entity", "entity_id")
        .collectAsList();
  }

  @Test
  void aDateWhoseSnapshotWasRemovedRebuildsToItsNightsRows() {
    // Each night wrote the right answer: u1 has reported ever since 04-01, first on 04-01.
    for (String day : DAYS) {
      assertEquals(List.of("u1"), members("ever_reported", day), day);
    }
    assertEquals(List.of(), members("first_report_long_ago", "2026-04-02"));
    assertEquals(List.of("u1"), members("first_report_long_ago", "2026-04-03"));
    // 04-02's snapshot is gone (older than 04-04 - 1 day).
    assertEquals(
        0,
        runs.table(TableNames.USER_EVENT_TOTALS)
            .where(col("as_of_date").equalTo(lit(Date.valueOf("2026-04-02"))))
            .count());
    List<Row> before = night("2026-04-02");
    assertTrue(before.size() > 3, "the night's memberships: " + before);
    // Rebuilt with segments alone: the totals of 04-02 come from the events ingested up to it.
    runs.ok("run", "--date", "2026-04-02", "--stages", "segments");
    assertEquals(before, night("2026-04-02"));
    assertEquals(List.of("u1"), members("ever_reported", "2026-04-02"));
    assertEquals(List.of(), members("first_report_long_ago", "2026-04-02"));
    // A date whose snapshot is kept reads it.
    List<Row> kept = night("2026-04-04");
    runs.ok("run", "--date", "2026-04-04", "--stages", "segments");
    assertEquals(kept, night("2026-04-04"));
  }
}
