package dev.segments.jobs.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.common.tables.TableNames;
import dev.segments.jobs.TestRuns;
import dev.segments.jobs.cli.StatusCommand;
import dev.segments.jobs.health.RunStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * segment_metrics, pipeline_runs and status on the scoring scenario (facts of D3 in SegmentsTest's
 * and ScoringTest's comments), every expected value worked out by hand from those facts.
 */
class DashboardTest {
  static final Date D3 = Date.valueOf("2026-04-03");
  static TestRuns runs;

  @BeforeAll
  static void scenario() {
    runs = ScoringScenario.runs();
  }

  private static Map<String, Row> metrics(Date date) {
    Map<String, Row> out = new HashMap<>();
    for (Row r :
        runs.table(TableNames.SEGMENT_METRICS)
            .where(col("as_of_date").equalTo(lit(date)))
            .collectAsList()) {
      out.put(r.<String>getAs("segment_id") + "/" + r.<String>getAs("workspace"), r);
    }
    return out;
  }

  private static void assertRow(String who, Row row, Object... columnsAndValues) {
    for (int i = 0; i < columnsAndValues.length; i += 2) {
      String c = (String) columnsAndValues[i];
      Object want = columnsAndValues[i + 1];
      Object got = row.get(row.fieldIndex(c));
      if (want instanceof Number w && got instanceof Number g) {
        assertEquals(w.doubleValue(), g.doubleValue(), 1e-9, who + "." + c);
      } else {
        assertEquals(want, got, who + "." + c);
      }
    }
  }

  @Test
  void segmentMetricsOfD3WorkedOutByHand() {
    Map<String, Row> m = metrics(D3);
    // One row per segment and workspace (default, lin), empty segments included.
    long segments =
        runs.table(TableNames.SEGMENT_SIZES).where(col("as_of_date").equalTo(lit(D3))).count();
    assertEquals(2 * segments, m.size());

    // op_between (engagement_score 13..51, default workspace): u2 35, u3 51, u5 13. On D2 the
    // scores were 85, 0, 54, 0, 0, 90: nobody in 13..51, so all three entered.
    // Mean (35 + 51 + 13) / 3 = 33. Sorted 13, 35, 51: p50 35; p90 at rank 0.9 x 2 = 1.8:
    // 35 + 0.8 x (51 - 35) = 47.8. All three have scored events (active). Activation 25, 50, 25:
    // mean 33.33; none activated. Changes +35, -3, +13: mean 15. Trends: u2, u5 red_hot.
    assertRow(
        "op_between/default",
        m.get("op_between/default"),
        "entity",
        "user",
        "members",
        3L,
        "entered",
        3L,
        "exited",
        0L,
        "scored",
        3L,
        "engagement_score_mean",
        33.0,
        "engagement_score_p50",
        35.0,
        "engagement_score_p90",
        47.8,
        "share_active",
        1.0,
        "activation_progress_mean",
        100.0 / 3,
        "share_activated",
        0.0,
        "score_change_mean",
        15.0,
        "red_hot",
        2L,
        "ice_cold",
        0L,
        "total_users",
        null,
        "active_users",
        null);
    // Workspace lin scores acme's users only (population plan = pro): u2 and u3 of the three.
    assertRow("op_between/lin", m.get("op_between/lin"), "members", 3L, "scored", 2L);

    // all_users, default: scores 90, 35, 51, 0, 13, 73: mean 262 / 6 = 43.667. Sorted 0, 13, 35,
    // 51, 73, 90: p50 at rank 2.5: 35 + 0.5 x 16 = 43; p90 at rank 4.5: 73 + 0.5 x 17 = 81.5.
    // Active: all but u4 (login only): 5 / 6. Activation 100, 25, 50, 25, 25, 75: mean 50; u1
    // activated: 1 / 6. Changes +5, +35, -3, 0, +13, -17: mean 5.5. red_hot u2, u5; ice_cold u6.
    // The same six users on D2: nobody entered or exited.
    assertRow(
        "all_users/default",
        m.get("all_users/default"),
        "members",
        6L,
        "entered",
        0L,
        "exited",
        0L,
        "scored",
        6L,
        "engagement_score_mean",
        262.0 / 6,
        "engagement_score_p50",
        43.0,
        "engagement_score_p90",
        81.5,
        "share_active",
        5.0 / 6,
        "activation_progress_mean",
        50.0,
        "share_activated",
        1.0 / 6,
        "score_change_mean",
        5.5,
        "red_hot",
        2L,
        "ice_cold",
        1L);

    // all_accounts, default: acme 90 (change 0, activation 100, activated), globex 62 (-24,
    // ice_cold, 0), initech 0 (0, inactive, 0). Mean 152 / 3; sorted 0, 62, 90: p50 62, p90 at
    // rank 1.8: 62 + 0.8 x 28 = 84.4. Active acme, globex: 2 / 3. Users: total 3 + 3 + 0 = 6,
    // active 3 + 2 + 0 = 5.
    assertRow(
        "all_accounts/default",
        m.get("all_accounts/default"),
        "entity",
        "account",
        "members",
        3L,
        "scored",
        3L,
        "engagement_score_mean",
        152.0 / 3,
        "engagement_score_p50",
        62.0,
        "engagement_score_p90",
        84.4,
        "share_active",
        2.0 / 3,
        "activation_progress_mean",
        100.0 / 3,
        "share_activated",
        1.0 / 3,
        "score_change_mean",
        -8.0,
        "red_hot",
        0L,
        "ice_cold",
        1L,
        "total_users",
        6L,
        "active_users",
        5L);

    // A segment with no member (red_hot_accounts: no account's score rose by 10): members 0,
    // nothing scored, no means; account user counts 0.
    Row empty =
        m.values().stream()
            .filter(r -> r.<Long>getAs("members") == 0L && "account".equals(r.getAs("entity")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("the scenario has an empty account segment"));
    assertRow(
        "empty account segment",
        empty,
        "scored",
        0L,
        "red_hot",
        0L,
        "total_users",
        0L,
        "active_users",
        0L);
    assertNull(empty.getAs("engagement_score_mean"));
  }

  /** The SQL blocks of docs/dashboards.md, in order. */
  private static List<String> documentedQueries() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "dashboards.md"));
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("```sql\\n(.*?)```", java.util.regex.Pattern.DOTALL)
            .matcher(doc);
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void theDocumentedQueriesAnswerOnTheScenario() throws IOException {
    org.apache.spark.sql.SparkSession spark = dev.segments.common.testing.SparkTestSupport.spark();
    // Views named after the tables, private to a session of their own (classes run side by side).
    org.apache.spark.sql.SparkSession own = spark.newSession();
    for (String t :
        List.of(TableNames.SEGMENT_SIZES, TableNames.SEGMENT_METRICS, TableNames.SEGMENT_CHANGES)) {
      own.read().format("delta").load(runs.warehouse().path(t)).createOrReplaceTempView(t);
    }
    List<String> queries = documentedQueries();
    assertEquals(3, queries.size(), "size trend, engagement by segment, entries per week");

    // Size trend, for op_between: D2 had nobody in 13..51 (exits of D1's members, if any); D3 has
    // u2, u3, u5, all entered.
    List<Row> trend =
        own.sql(queries.get(0).replace("stalled_onboarding", "op_between")).collectAsList();
    assertEquals(3, trend.size());
    assertEquals(List.of(0L, 0L), List.of(trend.get(1).getLong(1), trend.get(1).getLong(2)));
    assertEquals(
        List.of(D3, 3L, 3L, 0L),
        List.of(
            trend.get(2).getDate(0),
            trend.get(2).getLong(1),
            trend.get(2).getLong(2),
            trend.get(2).getLong(3)));

    // Engagement by segment on the latest date (D3), default workspace: op_between as worked out
    // above (mean 33, p50 35, p90 47.8, all active, change +15).
    Row between =
        own.sql(queries.get(1)).collectAsList().stream()
            .filter(r -> r.getString(0).equals("op_between"))
            .findFirst()
            .orElseThrow();
    assertRow(
        "engagement by segment",
        between,
        "members",
        3L,
        "scored",
        3L,
        "score_mean",
        33.0,
        "score_p50",
        35.0,
        "score_p90",
        47.8,
        "pct_active",
        100.0,
        "score_change",
        15.0);

    // Entries per week, for all_users: the six users entered on D1 (04-01), nobody after; D1..D3
    // lie in the week of Monday 2026-03-30.
    List<Row> weeks =
        own.sql(queries.get(2).replace("stalled_onboarding", "all_users")).collectAsList();
    assertEquals(1, weeks.size());
    assertEquals(java.sql.Timestamp.valueOf("2026-03-30 00:00:00"), weeks.get(0).getTimestamp(0));
    assertEquals(6L, weeks.get(0).getLong(1));
  }

  @Test
  void pipelineRunsHoldEveryStageOfTheScenarioAndStatusIsOk() {
    // The scenario is one command (run --from D1 --to D3): 3 dates x 5 stages, one run id, the
    // only run with an ingest (other test classes rerun score and segments on this warehouse).
    List<Row> all = runs.table(TableNames.PIPELINE_RUNS).collectAsList();
    Object build =
        all.stream()
            .filter(r -> r.getAs("stage").equals("ingest"))
            .map(r -> r.getAs("run_id"))
            .distinct()
            .reduce(
                (a, b) -> {
                  throw new AssertionError("one run ingested: " + a + ", " + b);
                })
            .orElseThrow();
    List<Row> rows = all.stream().filter(r -> build.equals(r.getAs("run_id"))).toList();
    assertEquals(15, rows.size());
    assertEquals(
        Set.of("succeeded"),
        rows.stream().map(r -> r.<String>getAs("status")).collect(Collectors.toSet()));
    for (Row r : rows) {
      assertNull(r.getAs("error"));
      assertTrue(
          !r.<java.sql.Timestamp>getAs("ended_at").before(r.getAs("started_at")),
          "ended >= started");
    }
    // Rows written per table are the stage's own: D3's segments stage wrote segment_metrics,
    // two rows per segment.
    Row segmentsD3 =
        rows.stream()
            .filter(r -> r.getAs("stage").equals("segments") && r.getAs("as_of_date").equals(D3))
            .findFirst()
            .orElseThrow();
    Map<String, Long> written = segmentsD3.getJavaMap(segmentsD3.fieldIndex("rows_written"));
    assertEquals(
        2 * runs.table(TableNames.SEGMENT_SIZES).where(col("as_of_date").equalTo(lit(D3))).count(),
        written.get(TableNames.SEGMENT_METRICS));

    RunStatus status = RunStatus.of(runs.warehouse(), Optional.empty(), 3);
    assertEquals(Optional.of(LocalDate.parse("2026-04-03")), status.latestRun());
    assertEquals(15, status.runs().size());
    assertTrue(status.healthy(), "status: " + status);
    assertEquals(0, runs.run("status", "--days", "3"));
    // A date after the last run (a monitor asking for a night that did not run) has no run.
    assertEquals(1, runs.run("status", "--days", "3", "--date", "2026-04-04"));
  }

  @Test
  void aStaleSegmentMakesStatusFail(@TempDir Path dir) throws IOException {
    // A copy of the scenario's warehouse where one segment lost its last date in segment_sizes,
    // as when the segments stage stopped evaluating it (e.g. it was added to the definitions and
    // the stage has not run since, or its last run died).
    Path copy = dir.resolve("wh");
    // Under the warehouse's run lock: other test classes rerun stages on the scenario's warehouse,
    // and a copy of its files must not see a commit half-written.
    try (dev.segments.jobs.pipeline.RunLock held =
        dev.segments.jobs.pipeline.RunLock.acquire(
            new org.apache.hadoop.conf.Configuration(),
            runs.warehouse().root(),
            "DashboardTest copy",
            java.time.Duration.ofMinutes(20))) {
      copyTree(Path.of(runs.warehouse().root()), copy);
    }
    org.apache.spark.sql.SparkSession spark = dev.segments.common.testing.SparkTestSupport.spark();
    spark.sql(
        "DELETE FROM delta.`"
            + copy.resolve("segment_sizes")
            + "` WHERE segment_id = 'op_eq' AND as_of_date = DATE'2026-04-03'");
    dev.segments.common.tables.Warehouse wh =
        new dev.segments.common.tables.Warehouse(spark, copy.toString(), Optional.empty());
    RunStatus status = RunStatus.of(wh, Optional.empty(), 3);
    assertEquals(
        List.of(new RunStatus.Stale("op_eq", Optional.of(LocalDate.parse("2026-04-02")))),
        status.stale());
    assertTrue(status.failed().isEmpty());
    String printed = print(status);
    assertTrue(printed.contains("stale segments (1), newest date before 2026-04-03:"), printed);
    assertTrue(printed.contains("  op_eq: newest 2026-04-02"), printed);
    assertTrue(
        printed.contains(
            "status: PROBLEMS (0 failed stages, 1 stale segments, 0 dates with no run)"),
        printed);
    assertEquals(1, segmentsOn(copy, "status", "--days", "3"));
  }

  @Test
  void aStageThatFailsMidRunIsRecordedWithItsError(@TempDir Path dir) throws IOException {
    // The scenario's first day into a new warehouse whose user_scores path is a file: ingest and
    // features succeed, score fails when it writes.
    Path wh = dir.resolve("wh");
    Files.createDirectories(wh);
    Files.writeString(wh.resolve(TableNames.USER_SCORES), "not a table");
    TestRuns failing =
        new TestRuns(runs.input(), wh, ScoringScenario.OVERRIDES.toArray(String[]::new));
    assertEquals(1, failing.run("run", "--date", "2026-04-01"));
    List<Row> rows = failing.table(TableNames.PIPELINE_RUNS).orderBy("started_at").collectAsList();
    assertEquals(
        List.of("ingest/succeeded", "features/succeeded", "score/failed"),
        rows.stream().map(r -> r.getAs("stage") + "/" + r.getAs("status")).toList());
    Row score = rows.get(2);
    String error = score.getAs("error");
    assertTrue(error != null && error.contains(TableNames.USER_SCORES), "error kept: " + error);
    assertTrue(score.<Long>getAs("duration_ms") >= 0);

    RunStatus status = RunStatus.of(failing.warehouse(), Optional.empty(), 1);
    assertEquals(1, status.failed().size());
    assertEquals("score", status.failed().get(0).stage());
    String printed = print(status);
    assertTrue(printed.contains("failed stages (1):"), printed);
    assertTrue(printed.contains("2026-04-01 score: failed at "), printed);
    assertEquals(1, failing.run("status", "--days", "1"));
  }

  private static String print(RunStatus status) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StatusCommand.print(status, "wh", new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** segments CMD ... against another warehouse (the scenario's settings otherwise). */
  private static int segmentsOn(Path warehouse, String... args) {
    return new TestRuns(runs.input(), warehouse, ScoringScenario.OVERRIDES.toArray(String[]::new))
        .run(args);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
