package dev.segments.jobs.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.segments.common.tables.TableNames;
import dev.segments.jobs.TestRuns;
import java.sql.Date;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Six users in two accounts over three days (2026-04-01 .. 04-03), windows 1 and 7 days. Every
 * expected value was worked out by hand from the events in setUp.
 *
 * <pre>
 * acme (plan pro):    u1 (admin), u2, u3          globex (plan free): u4, u5, u6 (admin)
 * workspace default: period 1 day, exponential; features core (importance 3: create weight 2,
 *   edit weight 1), collab (importance 2: invite weight 1, comment weight 0.5), admin
 *   (importance 1: setup weight 0 = not scored); login is in no feature.
 *   Points per event (importance x weight): create 6, edit 3, invite 2, comment 1.
 * workspace lin: period 7 days, linear, percentile bands, population account.plan = pro.
 *
 *        D1 (04-01)        D2 (04-02)               D3 (04-03)
 *  u1    create            edit, comment x2         create x2, invite x2
 *  u2    edit x2           -                        edit
 *  u3    -                 invite                   invite x2, comment
 *  u4    login             setup                    login
 *  u5    login             -                        comment
 *  u6    -                 create                   edit x3
 * </pre>
 */
class ScoringTest {
  static TestRuns runs;
  static final Date D2 = Date.valueOf("2026-04-02");
  static final Date D3 = Date.valueOf("2026-04-03");

  @BeforeAll
  static void runThreeDays() {
    runs = ScoringScenario.runs();
  }

  private static Map<String, Row> scores(String table, String id, Date date, String workspace) {
    Map<String, Row> byId = new HashMap<>();
    for (Row r :
        runs.table(table)
            .where(
                col("as_of_date").equalTo(lit(date)).and(col("workspace").equalTo(lit(workspace))))
            .collectAsList()) {
      byId.put(r.getString(r.fieldIndex(id)), r);
    }
    return byId;
  }

  private static void assertColumns(String who, Row row, List<String> columns, Object... expected) {
    assertEquals(columns.size(), expected.length, "test table for " + who);
    for (int i = 0; i < columns.size(); i++) {
      String c = columns.get(i);
      Object actual = row.get(row.fieldIndex(c));
      if (actual instanceof scala.collection.Seq<?>) {
        actual = row.getList(row.fieldIndex(c));
      }
      if (expected[i] instanceof Number want && actual instanceof Number got) {
        assertEquals(want.doubleValue(), got.doubleValue(), 1e-9, who + "." + c);
      } else {
        assertEquals(expected[i], actual, who + "." + c);
      }
    }
  }

  private static final List<String> USER_COLUMNS =
      List.of(
          "account_id",
          "raw_score",
          "engagement_score",
          "frequency",
          "breadth",
          "active",
          "activation_progress",
          "activation_steps_done",
          "activated",
          "previous_score",
          "score_change",
          "trend");

  @Test
  void exponentialScoresOnTheDayBeforeAreTheBaseOfScoreChange() {
    // D2 raw: u1 edit 3 + comment 2x1 = 5; u3 invite 2; u6 create 6; u4 setup (weight 0) = 0.
    // Positive raws 2, 5, 6: benchmark = p90 = the value at rank ceil(0.9 x 3) = 3, i.e. 6.
    // u1: 100 x (1 - 10^(-5/6)) = 85.32 -> 85; u3: 100 x (1 - 10^(-2/6)) = 53.58 -> 54; u6 at the
    // benchmark: 90.
    Map<String, Row> d2 = scores(TableNames.USER_SCORES, "user_id", D2, "default");
    assertEquals(6, d2.size());
    List<String> cols = List.of("raw_score", "engagement_score");
    assertColumns("u1", d2.get("u1"), cols, 5.0, 85);
    assertColumns("u2", d2.get("u2"), cols, 0.0, 0);
    assertColumns("u3", d2.get("u3"), cols, 2.0, 54);
    assertColumns("u4", d2.get("u4"), cols, 0.0, 0);
    assertColumns("u5", d2.get("u5"), cols, 0.0, 0);
    assertColumns("u6", d2.get("u6"), cols, 6.0, 90);
  }

  @Test
  void userScoresOfTheDefaultWorkspace() {
    // D3 raw: u1 create 2x6 + invite 2x2 = 16; u2 edit 3; u3 invite 2x2 + comment 1 = 5; u4 login
    // (no feature) 0; u5 comment 1; u6 edit 3x3 = 9. Positive 1, 3, 5, 9, 16: benchmark = rank
    // ceil(4.5) = 5 -> 16. Scores 100 x (1 - 10^(-raw/16)): u2 35.06 -> 35, u3 51.30 -> 51,
    // u5 13.40 -> 13, u6 72.62 -> 73, u1 90.
    // Breadth: of 2 scored features (admin has none): u1 core + collab 100, others one of them 50.
    // Activation (4 steps): u1 created (3 creates ever), invited_recently (2 invites in 7 days),
    // is_admin, regular (active D1, D2, D3) -> 100; u2 regular (D1, D3) 25; u3 invited_recently
    // (3), regular 50; u4 regular (D1 login, D2 setup, D3 login: any event counts) 25; u5 regular
    // (D1, D3) 25; u6 created (D2), is_admin, regular (D2, D3) 75.
    // Change against D2 (85, 0, 54, 0, 0, 90): +5, +35, -3, 0, +13, -17.
    Map<String, Row> d3 = scores(TableNames.USER_SCORES, "user_id", D3, "default");
    assertEquals(6, d3.size());
    assertColumns(
        "u1",
        d3.get("u1"),
        USER_COLUMNS,
        "acme",
        16.0,
        90,
        1,
        100.0,
        true,
        100.0,
        List.of("created", "invited_recently", "is_admin", "regular"),
        true,
        85,
        5,
        "steady");
    assertColumns(
        "u2",
        d3.get("u2"),
        USER_COLUMNS,
        "acme",
        3.0,
        35,
        1,
        50.0,
        true,
        25.0,
        List.of("regular"),
        false,
        0,
        35,
        "red_hot");
    assertColumns(
        "u3",
        d3.get("u3"),
        USER_COLUMNS,
        "acme",
        5.0,
        51,
        1,
        50.0,
        true,
        50.0,
        List.of("invited_recently", "regular"),
        false,
        54,
        -3,
        "steady");
    assertColumns(
        "u4",
        d3.get("u4"),
        USER_COLUMNS,
        "globex",
        0.0,
        0,
        0,
        0.0,
        false,
        25.0,
        List.of("regular"),
        false,
        0,
        0,
        "steady");
    assertColumns(
        "u5",
        d3.get("u5"),
        USER_COLUMNS,
        "globex",
        1.0,
        13,
        1,
        50.0,
        true,
        25.0,
        List.of("regular"),
        false,
        0,
        13,
        "red_hot");
    assertColumns(
        "u6",
        d3.get("u6"),
        USER_COLUMNS,
        "globex",
        9.0,
        73,
        1,
        50.0,
        true,
        75.0,
        List.of("created", "is_admin", "regular"),
        false,
        90,
        -17,
        "ice_cold");
  }

  @Test
  void accountScoresOfTheDefaultWorkspace() {
    // Raw = sum of its users' raws. D2: acme 5 + 2 = 7, globex 6 -> benchmark 7 (rank ceil(1.8)
    // = 2 of 6, 7): acme 90, globex 100 x (1 - 10^(-6/7)) = 86.11 -> 86.
    // D3: acme 16 + 3 + 5 = 24, globex 0 + 1 + 9 = 10 -> benchmark 24: acme 90, globex
    // 100 x (1 - 10^(-10/24)) = 61.69 -> 62; change 0 (steady) and -24 (ice_cold).
    // avg_user_score over active users: acme (90 + 35 + 51) / 3 = 58.67 -> 58.7; globex (13 + 73) /
    // 2 = 43.
    // total_users (any event in 7 days) 3 and 3; active users 3 and 2 (u4 only logged in).
    // adoption of 4 scored events in the period: acme create, invite, edit, comment 100; globex
    // comment, edit 50; all time globex adds create (u6 D2): 75.
    // Activation: acme team_invites (u3 3 + u1 2 = 5 invites >= 3) and pro -> 100; globex neither.
    List<String> cols =
        List.of(
            "raw_score",
            "engagement_score",
            "frequency",
            "breadth",
            "active",
            "activation_progress",
            "activation_steps_done",
            "activated",
            "previous_score",
            "score_change",
            "trend",
            "avg_user_score",
            "total_users",
            "active_users",
            "active_user_pct",
            "activated_users",
            "adoption",
            "adoption_all_time");
    Map<String, Row> d3 = scores(TableNames.ACCOUNT_SCORES, "account_id", D3, "default");
    assertEquals(3, d3.size());
    assertColumns(
        "acme",
        d3.get("acme"),
        cols,
        24.0,
        90,
        1,
        100.0,
        true,
        100.0,
        List.of("team_invites", "pro"),
        true,
        90,
        0,
        "steady",
        58.7,
        3,
        3,
        100.0,
        1,
        100.0,
        100.0);
    assertColumns(
        "globex",
        d3.get("globex"),
        cols,
        10.0,
        62,
        1,
        100.0,
        true,
        0.0,
        List.of(),
        false,
        86,
        -24,
        "ice_cold",
        43.0,
        3,
        2,
        66.7,
        0,
        50.0,
        75.0);
    // initech: traits, no users: nothing to score; no plan, so not pro.
    assertColumns(
        "initech",
        d3.get("initech"),
        cols,
        0.0,
        0,
        0,
        0.0,
        false,
        0.0,
        List.of(),
        false,
        0,
        0,
        "steady",
        null,
        0,
        0,
        null,
        0,
        0.0,
        0.0);
  }

  @Test
  void linearWorkspaceWithPopulationAndSevenDayPeriod() {
    // Only acme (plan pro) users are scored. Period D1..D3: u1 6 + 3 + 2 + 12 + 4 = 27; u2 2x3 +
    // 3 = 9; u3 2 + 4 + 1 = 7. Benchmark 27 (rank 3 of 3). Linear: 100, 33.3 -> 33, 25.9 -> 26.
    // Frequency: u1 D1-D3 3, u2 D1, D3 2, u3 D2, D3 2. No activation steps: null; no score 7
    // days earlier: score_change and trend null.
    Map<String, Row> users = scores(TableNames.USER_SCORES, "user_id", D3, "lin");
    assertEquals(List.of("u1", "u2", "u3"), users.keySet().stream().sorted().toList());
    List<String> cols =
        List.of(
            "raw_score",
            "engagement_score",
            "frequency",
            "breadth",
            "activation_progress",
            "activation_steps_done",
            "activated",
            "previous_score",
            "score_change",
            "trend");
    assertColumns(
        "u1", users.get("u1"), cols, 27.0, 100, 3, 100.0, null, List.of(), null, null, null, null);
    assertColumns(
        "u2", users.get("u2"), cols, 9.0, 33, 2, 50.0, null, List.of(), null, null, null, null);
    assertColumns(
        "u3", users.get("u3"), cols, 7.0, 26, 2, 50.0, null, List.of(), null, null, null, null);
    // Accounts: only those with a user in the population. acme raw 43 = its own benchmark -> 100;
    // avg (100 + 33 + 26) / 3 = 53.0; active on D1, D2, D3.
    Map<String, Row> accounts = scores(TableNames.ACCOUNT_SCORES, "account_id", D3, "lin");
    assertEquals(List.of("acme"), List.copyOf(accounts.keySet()));
    assertColumns(
        "acme",
        accounts.get("acme"),
        List.of(
            "raw_score",
            "engagement_score",
            "frequency",
            "avg_user_score",
            "active_users",
            "activated_users",
            "adoption"),
        43.0,
        100,
        3,
        53.0,
        3,
        0,
        100.0);
  }

  @Test
  void thresholdsHoldTheDistributionsAndTheBandsOfTheDay() {
    Map<String, Row> rows = new HashMap<>();
    for (Row r :
        runs.table(TableNames.SEGMENT_THRESHOLDS)
            .where(col("as_of_date").equalTo(lit(D3)))
            .collectAsList()) {
      rows.put(
          r.getString(1) + "/" + r.getString(2) + "/" + r.getString(3) + "/" + r.getString(4), r);
    }
    List<String> dist =
        List.of(
            "entities",
            "min",
            "p10",
            "p20",
            "p25",
            "p50",
            "p75",
            "p80",
            "p90",
            "max",
            "mean",
            "benchmark");
    // default users' raw scores on D3, sorted: 0, 1, 3, 5, 9, 16. Nearest rank ceil(q x 6):
    // p10 rank 1 -> 0, p20 and p25 rank 2 -> 1, p50 rank 3 -> 3, p75 and p80 rank 5 -> 9, p90 rank
    // 6 -> 16.
    assertColumns(
        "raw",
        rows.get("default/user/raw_score/null"),
        dist,
        6,
        0.0,
        0.0,
        1.0,
        1.0,
        3.0,
        9.0,
        9.0,
        16.0,
        16.0,
        34.0 / 6,
        16.0);
    // Scores 0, 13, 35, 51, 73, 90.
    assertColumns(
        "score",
        rows.get("default/user/engagement_score/null"),
        dist,
        6,
        0.0,
        0.0,
        13.0,
        13.0,
        35.0,
        73.0,
        73.0,
        90.0,
        90.0,
        262.0 / 6,
        16.0);
    // Fixed bands of the default workspace; period 1 day: new = created today.
    List<String> bounds = List.of("lower_bound", "upper_bound");
    assertColumns(
        "most", rows.get("default/user/engagement_score/most_engaged"), bounds, 75.0, 100.0);
    assertColumns(
        "slightly", rows.get("default/user/engagement_score/slightly_engaged"), bounds, 50.0, 74.0);
    assertColumns("passive", rows.get("default/user/engagement_score/passive"), bounds, 25.0, 49.0);
    assertColumns(
        "least", rows.get("default/user/engagement_score/least_engaged"), bounds, 1.0, 24.0);
    assertColumns("red_hot", rows.get("default/user/score_change/red_hot"), bounds, 10.0, null);
    assertColumns("ice_cold", rows.get("default/user/score_change/ice_cold"), bounds, null, -10.0);
    assertColumns("new", rows.get("default/user/days_since_created/new"), bounds, 0.0, 0.0);
    assertColumns(
        "mature", rows.get("default/user/days_since_created/mature"), bounds, 181.0, null);
    assertColumns(
        "inactive",
        rows.get("default/user/days_since_last_seen/recently_inactive"),
        bounds,
        30.0,
        60.0);
    assertColumns("multi", rows.get("default/account/active_users/multi_user"), bounds, 2.0, null);
    // lin: percentile bands from the positive user scores 26, 33, 100: p25 rank 1 -> 26, p50
    // rank 2 -> 33, p75 rank 3 -> 100.
    assertColumns(
        "lin most", rows.get("lin/user/engagement_score/most_engaged"), bounds, 100.0, 100.0);
    assertColumns(
        "lin slightly", rows.get("lin/user/engagement_score/slightly_engaged"), bounds, 33.0, 99.0);
    assertColumns("lin passive", rows.get("lin/user/engagement_score/passive"), bounds, 26.0, 32.0);
    assertColumns(
        "lin least", rows.get("lin/user/engagement_score/least_engaged"), bounds, 1.0, 25.0);
    assertNull(rows.get("default/user/active_users/multi_user"), "multi_user is for accounts only");
  }

  @Test
  void rerunOfADayGivesTheSameScores() {
    List<Row> before = sorted(TableNames.USER_SCORES);
    List<Row> thresholdsBefore = sorted(TableNames.SEGMENT_THRESHOLDS);
    runs.ok("score", "--date", "2026-04-03");
    assertEquals(before, sorted(TableNames.USER_SCORES));
    assertEquals(thresholdsBefore, sorted(TableNames.SEGMENT_THRESHOLDS));
  }

  private static List<Row> sorted(String table) {
    List<Row> rows = new ArrayList<>(runs.table(table).collectAsList());
    rows.sort((a, b) -> a.toString().compareTo(b.toString()));
    return rows;
  }
}
