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
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five users in two accounts over ten days (2026-03-01 .. 03-10), windows 1, 3 and 7 days. Every
 * expected value below was worked out by hand from the events listed in setUp:
 *
 * <pre>
 * alice (acme):  D1 login x2 (09:00, 09:30), D3 report_created, D8 login, D9 task_created (arrives
 *                late, in D10's folder), D10 login 09:00, report_viewed 14:00 and 15:00
 * bob   (acme):  D2 login 10:00, D9 login x3 (10:00, 11:00, 12:00)
 * carol (acme until D6, then globex): D4 task_created x2 (10:00, 11:00), D7 task_created 10:00
 * dan   (globex): D5 login 10:00
 * erin  (globex): identified, never tracked
 * </pre>
 *
 * On D10 the 1-day window is D10, the 3-day window D8..D10, the 7-day window D4..D10.
 */
class ScenarioTest {
  @TempDir static Path dir;
  static TestRuns runs;
  static final Date D10 = Date.valueOf("2026-03-10");

  @BeforeAll
  static void runTenDays() {
    runs =
        new TestRuns(
            dir.resolve("in"),
            dir.resolve("wh"),
            "-Dfeatures.windows=[1,3,7]",
            "-Dfeatures.total-users-window-days=7",
            "-Dscoring.workspaces.default.period-days=7");
    runs.day(
        "2026-03-01",
        group(
            "g-acme", "2026-03-01T08:00:00Z", null, "acme", "{\"name\":\"Acme\",\"plan\":\"pro\"}"),
        group(
            "g-globex",
            "2026-03-01T08:00:00Z",
            null,
            "globex",
            "{\"name\":\"Globex\",\"plan\":\"free\"}"),
        identify(
            "i-a",
            "2026-03-01T08:00:00Z",
            "alice",
            "{\"role\":\"admin\",\"created_at\":\"2026-02-01T00:00:00Z\"}"),
        identify("i-b", "2026-03-01T08:00:00Z", "bob", "{\"role\":\"member\"}"),
        group("m-a1", "2026-03-01T08:10:00Z", "alice", "acme", "{}"),
        group("m-b1", "2026-03-01T08:11:00Z", "bob", "acme", "{}"),
        group("m-c1", "2026-03-01T08:12:00Z", "carol", "acme", "{}"),
        track("a1", "2026-03-01T09:00:00Z", "alice", "login"),
        track("a2", "2026-03-01T09:30:00Z", "alice", "login"));
    runs.day(
        "2026-03-02",
        identify("i-d", "2026-03-02T08:00:00Z", "dan", "{\"role\":\"viewer\"}"),
        identify("i-e", "2026-03-02T08:00:00Z", "erin", "{\"role\":\"member\"}"),
        group("m-d1", "2026-03-02T08:00:00Z", "dan", "globex", "{}"),
        group("m-e1", "2026-03-02T08:05:00Z", "erin", "globex", "{}"),
        track("b1", "2026-03-02T10:00:00Z", "bob", "login"));
    runs.day("2026-03-03", track("a3", "2026-03-03T10:00:00Z", "alice", "report_created"));
    runs.day(
        "2026-03-04",
        track("c1", "2026-03-04T10:00:00Z", "carol", "task_created"),
        track("c2", "2026-03-04T11:00:00Z", "carol", "task_created"));
    runs.day("2026-03-05", track("d1", "2026-03-05T10:00:00Z", "dan", "login"));
    runs.day("2026-03-06", group("m-c2", "2026-03-06T08:00:00Z", "carol", "globex", "{}"));
    runs.day("2026-03-07", track("c3", "2026-03-07T10:00:00Z", "carol", "task_created"));
    runs.day("2026-03-08", track("a4", "2026-03-08T10:00:00Z", "alice", "login"));
    runs.day(
        "2026-03-09",
        track("b2", "2026-03-09T10:00:00Z", "bob", "login"),
        track("b3", "2026-03-09T11:00:00Z", "bob", "login"),
        track("b4", "2026-03-09T12:00:00Z", "bob", "login"));
    runs.day(
        "2026-03-10",
        track("a5", "2026-03-09T16:00:00Z", "alice", "task_created"),
        track("a6", "2026-03-10T09:00:00Z", "alice", "login"),
        track("a7", "2026-03-10T14:00:00Z", "alice", "report_viewed"),
        track("a8", "2026-03-10T15:00:00Z", "alice", "report_viewed"));
    runs.ok("run", "--from", "2026-03-01", "--to", "2026-03-10", "--stages", "ingest,features");
  }

  private static Map<String, Row> snapshot(String table, String id, Date date) {
    Map<String, Row> byId = new HashMap<>();
    for (Row r : runs.table(table).where(col("as_of_date").equalTo(lit(date))).collectAsList()) {
      byId.put(r.getString(r.fieldIndex(id)), r);
    }
    return byId;
  }

  private static Timestamp ts(String s) {
    return s == null ? null : Timestamp.valueOf(s);
  }

  private static Map<String, Long> counts(Object... kv) {
    Map<String, Long> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], ((Number) kv[i + 1]).longValue());
    }
    return m;
  }

  /** Asserts the listed columns of one row; values are in the order of {@code columns}. */
  private static void assertColumns(String who, Row row, List<String> columns, Object... expected) {
    assertEquals(columns.size(), expected.length, "test table for " + who);
    for (int i = 0; i < columns.size(); i++) {
      String c = columns.get(i);
      Object actual = row.get(row.fieldIndex(c));
      if (actual instanceof scala.collection.Map<?, ?>) {
        actual = row.getJavaMap(row.fieldIndex(c));
      }
      if (expected[i] instanceof Number want && actual instanceof Number got) {
        // Day counts are ints, event counts longs: compare the numbers.
        assertEquals(want.longValue(), got.longValue(), who + "." + c);
      } else {
        assertEquals(expected[i], actual, who + "." + c);
      }
    }
  }

  static final List<String> USER_COLUMNS =
      Arrays.asList(
          "account_id",
          "first_seen",
          "last_seen",
          "tenure_days",
          "days_since_last_seen",
          "active_days_1d",
          "active_days_3d",
          "active_days_7d",
          "total_events_1d",
          "total_events_3d",
          "total_events_7d",
          "event_counts_1d",
          "event_counts_3d",
          "event_counts_7d",
          "total_events_all_time",
          "event_counts_all_time",
          "role");

  @Test
  void userFeaturesOnTheLastDay() {
    Map<String, Row> users = snapshot(TableNames.USER_FEATURES, "user_id", D10);
    assertEquals(5, users.size());
    Map<String, Long> aliceRecent = counts("login", 2, "report_viewed", 2, "task_created", 1);
    assertColumns(
        "alice",
        users.get("alice"),
        USER_COLUMNS,
        "acme",
        ts("2026-03-01 09:00:00"),
        ts("2026-03-10 15:00:00"),
        9,
        0,
        1L,
        3L,
        3L,
        3L,
        5L,
        5L,
        counts("login", 1, "report_viewed", 2),
        aliceRecent,
        aliceRecent,
        8L,
        counts("login", 4, "report_created", 1, "report_viewed", 2, "task_created", 1),
        "admin");
    assertColumns(
        "bob",
        users.get("bob"),
        USER_COLUMNS,
        "acme",
        ts("2026-03-02 10:00:00"),
        ts("2026-03-09 12:00:00"),
        8,
        1,
        0L,
        1L,
        1L,
        0L,
        3L,
        3L,
        counts(),
        counts("login", 3),
        counts("login", 3),
        4L,
        counts("login", 4),
        "member");
    assertColumns(
        "carol",
        users.get("carol"),
        USER_COLUMNS,
        "globex",
        ts("2026-03-04 10:00:00"),
        ts("2026-03-07 10:00:00"),
        6,
        3,
        0L,
        0L,
        2L,
        0L,
        0L,
        3L,
        counts(),
        counts(),
        counts("task_created", 3),
        3L,
        counts("task_created", 3),
        null);
    assertColumns(
        "dan",
        users.get("dan"),
        USER_COLUMNS,
        "globex",
        ts("2026-03-05 10:00:00"),
        ts("2026-03-05 10:00:00"),
        5,
        5,
        0L,
        0L,
        1L,
        0L,
        0L,
        1L,
        counts(),
        counts(),
        counts("login", 1),
        1L,
        counts("login", 1),
        "viewer");
    assertColumns(
        "erin",
        users.get("erin"),
        USER_COLUMNS,
        "globex",
        null,
        null,
        null,
        null,
        0L,
        0L,
        0L,
        0L,
        0L,
        0L,
        counts(),
        counts(),
        counts(),
        0L,
        counts(),
        "member");
    assertEquals(
        ts("2026-02-01 00:00:00"),
        users.get("alice").getTimestamp(users.get("alice").fieldIndex("created_at")));
  }

  static final List<String> ACCOUNT_COLUMNS =
      Arrays.asList(
          "member_users",
          "total_users",
          "users_ever_seen",
          "active_users_1d",
          "active_users_3d",
          "active_users_7d",
          "first_seen",
          "last_seen",
          "tenure_days",
          "days_since_last_seen",
          "active_days_1d",
          "active_days_3d",
          "active_days_7d",
          "total_events_1d",
          "total_events_3d",
          "total_events_7d",
          "event_counts_1d",
          "event_counts_3d",
          "event_counts_7d",
          "total_events_all_time",
          "event_counts_all_time",
          "plan",
          "name");

  @Test
  void accountFeaturesOnTheLastDay() {
    Map<String, Row> accounts = snapshot(TableNames.ACCOUNT_FEATURES, "account_id", D10);
    assertEquals(2, accounts.size());
    Map<String, Long> acmeRecent = counts("login", 5, "report_viewed", 2, "task_created", 1);
    assertColumns(
        "acme",
        accounts.get("acme"),
        ACCOUNT_COLUMNS,
        2L,
        2L,
        2L,
        1L,
        2L,
        2L,
        ts("2026-03-01 09:00:00"),
        ts("2026-03-10 15:00:00"),
        9,
        0,
        1L,
        3L,
        3L,
        3L,
        8L,
        8L,
        counts("login", 1, "report_viewed", 2),
        acmeRecent,
        acmeRecent,
        12L,
        counts("login", 8, "report_created", 1, "report_viewed", 2, "task_created", 1),
        "pro",
        "Acme");
    // Carol moved to globex on D6: her D4 activity counts under globex on D10.
    assertColumns(
        "globex",
        accounts.get("globex"),
        ACCOUNT_COLUMNS,
        3L,
        2L,
        2L,
        0L,
        0L,
        2L,
        ts("2026-03-04 10:00:00"),
        ts("2026-03-07 10:00:00"),
        6,
        3,
        0L,
        0L,
        3L,
        0L,
        0L,
        4L,
        counts(),
        counts(),
        counts("task_created", 3, "login", 1),
        4L,
        counts("login", 1, "task_created", 3),
        "free",
        "Globex");
  }

  @Test
  void earlierSnapshotsUseTheirOwnWindows() {
    Row alice =
        snapshot(TableNames.USER_FEATURES, "user_id", Date.valueOf("2026-03-03")).get("alice");
    assertColumns(
        "alice on D3",
        alice,
        List.of(
            "active_days_1d",
            "active_days_3d",
            "active_days_7d",
            "total_events_1d",
            "total_events_3d",
            "days_since_last_seen"),
        1L,
        2L,
        2L,
        1L,
        3L,
        0);
    // On D9, alice's late D9 event had not arrived yet.
    Row aliceD9 =
        snapshot(TableNames.USER_FEATURES, "user_id", Date.valueOf("2026-03-09")).get("alice");
    assertColumns(
        "alice on D9",
        aliceD9,
        List.of("active_days_3d", "total_events_all_time", "days_since_last_seen"),
        1L,
        4L,
        1);
  }

  @Test
  void dailyRollupAttributesEachDayToThatDaysAccount() {
    List<String> rows =
        runs
            .table(TableNames.USER_DAILY_ACTIVITY)
            .where(col("user_id").isin("carol", "alice").and(col("event").isin("task_created")))
            .orderBy("activity_date", "user_id")
            .collectAsList()
            .stream()
            .map(
                r ->
                    r.getDate(r.fieldIndex("activity_date"))
                        + " "
                        + r.getString(r.fieldIndex("user_id"))
                        + " "
                        + r.getString(r.fieldIndex("account_id"))
                        + " "
                        + r.getLong(r.fieldIndex("event_count")))
            .toList();
    assertEquals(
        List.of("2026-03-04 carol acme 2", "2026-03-07 carol globex 1", "2026-03-09 alice acme 1"),
        rows);
  }
}
