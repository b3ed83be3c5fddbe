package dev.segments.jobs.features;

import static dev.segments.jobs.TestRuns.group;
import static dev.segments.jobs.TestRuns.identify;
import static dev.segments.jobs.TestRuns.track;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segments.common.tables.TableNames;
import dev.segments.jobs.TestRuns;
import java.nio.file.Path;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A past date rebuilt after its users' and accounts' traits changed gives that night's rows: the
 * features read the trait history as of the date, not today's traits.
 */
class PointInTimeTraitsTest {
  @TempDir static Path dir;
  static TestRuns runs;
  static final String D = "2026-05-01";
  static final String D5 = "2026-05-06";
  static List<Row> userRowsOfD;
  static List<Row> accountRowsOfD;
  static List<Row> segmentRowsOfD;

  @BeforeAll
  static void sixNightsThenARerunOfTheFirst() {
    runs = new TestRuns(dir.resolve("in"), dir.resolve("wh"));
    runs.segments(
        "traits.conf",
        """
        segments = [
          { id = admins, entity = user, where = { field = role, op = "=", value = admin } }
          { id = on_pro, entity = account, where = { field = plan, op = "=", value = pro } }
        ]
        """);
    // On D: u1 is an admin of acme, acme is on the free plan. On D+5: u1 becomes a viewer, acme
    // moves to pro. Every day both log in.
    for (int i = 0; i <= 5; i++) {
      String day = java.time.LocalDate.parse(D).plusDays(i).toString();
      String ts = day + "T10:00:00Z";
      if (i == 0) {
        runs.day(
            day,
            identify(
                "i-" + day, day + "T08:00:00Z", "u1", "{\"role\":\"admin\",\"groupId\":\"acme\"}"),
            group("g-" + day, day + "T08:00:00Z", "u1", "acme", "{\"plan\":\"free\"}"),
            track("l-" + day, ts, "u1", "login"));
      } else if (day.equals(D5)) {
        runs.day(
            day,
            identify("i-" + day, day + "T08:00:00Z", "u1", "{\"role\":\"viewer\"}"),
            group("g-" + day, day + "T08:00:00Z", "u1", "acme", "{\"plan\":\"pro\"}"),
            track("l-" + day, ts, "u1", "login"));
      } else {
        runs.day(day, track("l-" + day, ts, "u1", "login"));
      }
    }
    runs.ok("run", "--date", D, "--stages", "ingest,features,score,segments");
    userRowsOfD = rows(TableNames.USER_FEATURES, D);
    accountRowsOfD = rows(TableNames.ACCOUNT_FEATURES, D);
    segmentRowsOfD = rows(TableNames.SEGMENT_MEMBERS, D);
    runs.ok(
        "run", "--from", "2026-05-02", "--to", D5, "--stages", "ingest,features,score,segments");
    // The rebuild path for a past date.
    runs.ok("run", "--date", D, "--stages", "features,score,segments");
  }

  static List<Row> rows(String table, String day) {
    Dataset<Row> t = runs.table(table).where(col("as_of_date").equalTo(lit(Date.valueOf(day))));
    // Sorted by their text: map columns cannot be sorted by Spark.
    List<Row> rows = new java.util.ArrayList<>(t.collectAsList());
    rows.sort(java.util.Comparator.comparing(Row::toString));
    return rows;
  }

  @Test
  void theTraitsChangedOnTheSixthNight() {
    Row u = rows(TableNames.USER_FEATURES, D5).get(0);
    assertEquals("viewer", u.getAs("role"));
    Row a = rows(TableNames.ACCOUNT_FEATURES, D5).get(0);
    assertEquals("pro", a.getAs("plan"));
    assertEquals("viewer", runs.table(TableNames.USER_TRAITS).first().getAs("role"));
  }

  @Test
  void aRerunOfTheFirstNightGivesItsOwnRows() {
    assertEquals("admin", userRowsOfD.get(0).getAs("role"), "the first night, by hand");
    assertEquals("free", accountRowsOfD.get(0).getAs("plan"), "the first night, by hand");
    assertEquals(userRowsOfD, rows(TableNames.USER_FEATURES, D));
    assertEquals(accountRowsOfD, rows(TableNames.ACCOUNT_FEATURES, D));
    assertEquals(segmentRowsOfD, rows(TableNames.SEGMENT_MEMBERS, D));
    // u1 was an admin on D and acme was not on pro: admins holds u1, on_pro nobody.
    assertEquals(
        List.of("admins/u1"),
        rows(TableNames.SEGMENT_MEMBERS, D).stream()
            .filter(r -> List.of("admins", "on_pro").contains(r.<String>getAs("segment_id")))
            .map(r -> r.getAs("segment_id") + "/" + r.getAs("entity_id"))
            .toList());
  }

  @Test
  void theHistoryHoldsARowPerDayWithCalls() {
    List<String> history =
        runs.table(TableNames.USER_TRAITS_HISTORY).orderBy("ingest_date").collectAsList().stream()
            .map(r -> r.getAs("ingest_date") + " " + r.getAs("role"))
            .toList();
    assertEquals(List.of(D + " admin", D5 + " viewer"), history);
  }

  /**
   * A warehouse from before the trait histories (simulated by removing them after its first night):
   * its next ingest starts them from the latest-value tables, dated 1970-01-01, and the features of
   * the earlier night still read its traits.
   */
  @Test
  void aWarehouseFromBeforeTheHistoryStartsItFromTheLatestValues() throws java.io.IOException {
    Path wh = dir.resolve("wh-old");
    TestRuns old = new TestRuns(dir.resolve("in"), wh);
    old.ok("run", "--date", D, "--stages", "ingest,features");
    for (String t : List.of(TableNames.USER_TRAITS_HISTORY, TableNames.ACCOUNT_TRAITS_HISTORY)) {
      try (var files = java.nio.file.Files.walk(wh.resolve(t))) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    // Delta caches table logs per path: forget the removed tables'.
    org.apache.spark.sql.delta.DeltaLog.clearCache();
    old.ok("ingest", "--date", "2026-05-02");
    assertEquals(
        List.of("1970-01-01 admin"),
        old.table(TableNames.USER_TRAITS_HISTORY).collectAsList().stream()
            .map(r -> r.getAs("ingest_date") + " " + r.getAs("role"))
            .toList());
    assertEquals(
        List.of("1970-01-01 free"),
        old.table(TableNames.ACCOUNT_TRAITS_HISTORY).collectAsList().stream()
            .map(r -> r.getAs("ingest_date") + " " + r.getAs("plan"))
            .toList());
    old.ok("features", "--date", D);
    Row u =
        old.table(TableNames.USER_FEATURES)
            .where(col("as_of_date").equalTo(lit(Date.valueOf(D))))
            .first();
    assertEquals("admin", u.getAs("role"));
  }
}
