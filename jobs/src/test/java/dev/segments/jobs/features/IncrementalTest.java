package dev.segments.jobs.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.common.tables.TableNames;
import dev.segments.common.testing.SparkTestSupport;
import dev.segments.jobs.TestRuns;
import dev.segments.jobs.ingest.RejectReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated data (with late events, duplicates and bad rows) run two ways: a backfill of D1..D2
 * followed by a separate nightly run of D3 (A), and one fresh backfill of D1..D3 (B).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IncrementalTest {
  @TempDir static Path dir;
  static TestRuns a;
  static TestRuns b;
  // lookback 1: the generator's events that arrive two days late become too_late.
  // Two workspaces for the score properties: default (every event scores 1, exponential, 30
  // days) and a weighted, linear one over 7 days.
  static final String[] SETTINGS = {
    "-Dingest.lookback-days=1",
    "-Dscoring.workspaces.weighted={ period-days = 7, normalization = linear, features {"
        + " core { importance = 5, events = [login, task_created, project_opened], weights { login = 0.5 } },"
        + " reporting { importance = 2, events = [report_viewed, dashboard_viewed] } } }"
  };

  @BeforeAll
  static void runBothWays() {
    Path input = dir.resolve("in");
    a = new TestRuns(input, dir.resolve("wh-a"), SETTINGS);
    b = new TestRuns(input, dir.resolve("wh-b"), SETTINGS);
    a.ok(
        "generate",
        "--output",
        input.toString(),
        "--start",
        "2026-05-01",
        "--days",
        "3",
        "--users",
        "60",
        "--accounts",
        "8",
        "--bad-row-rate",
        "0.3",
        "--seed",
        "7");
    a.ok("run", "--from", "2026-05-01", "--to", "2026-05-02");
    a.ok("run", "--date", "2026-05-03");
    b.ok("run", "--from", "2026-05-01", "--to", "2026-05-03");
  }

  @Test
  @Order(1)
  void nightlyRunAfterBackfillEqualsFreshBackfill() throws IOException {
    assertEveryTableEqual();
    assertTrue(
        a.table(TableNames.USER_FEATURES)
                .where(col("as_of_date").equalTo(lit(Date.valueOf("2026-05-03"))))
                .count()
            > 20);
  }

  /** A and B hold the same rows in every catalog table and every segment's own table. */
  private static void assertEveryTableEqual() throws IOException {
    for (String table : TestRuns.OUTPUTS) {
      SparkTestSupport.assertSameRows(b.table(table), a.table(table));
    }
    // And every segment's own table.
    List<String> segmentTables;
    try (Stream<Path> tables = Files.list(dir.resolve("wh-b"))) {
      segmentTables =
          tables
              .map(p -> p.getFileName().toString())
              .filter(
                  n -> n.startsWith("segment_") && !TestRuns.WRITTEN_WITHOUT_EXPORTS.contains(n))
              .sorted()
              .toList();
    }
    assertTrue(
        segmentTables.size() >= 25, "standard and suggested segment tables: " + segmentTables);
    for (String table : segmentTables) {
      SparkTestSupport.assertSameRows(b.table(table), a.table(table));
    }
  }

  @Test
  void totalsFromSnapshotsEqualARebuildFromEvents() throws IOException {
    TestRuns c = new TestRuns(dir.resolve("in"), dir.resolve("wh-c"), SETTINGS);
    copyTree(dir.resolve("wh-b"), dir.resolve("wh-c"));
    deleteTree(dir.resolve("wh-c").resolve(TableNames.USER_EVENT_TOTALS));
    c.ok("features", "--date", "2026-05-03");
    Date d3 = Date.valueOf("2026-05-03");
    for (String table :
        List.of(
            TableNames.USER_EVENT_TOTALS, TableNames.USER_FEATURES, TableNames.ACCOUNT_FEATURES)) {
      SparkTestSupport.assertSameRows(
          a.table(table).where(col("as_of_date").equalTo(lit(d3))),
          c.table(table).where(col("as_of_date").equalTo(lit(d3))));
    }
  }

  /**
   * Runs after the comparison above (which showed A equals B on every table): A's last date run
   * again must leave every table, the segments' own tables included, equal to B's.
   */
  @Test
  @Order(2)
  void rerunningTheLastDateLeavesEveryTableIdentical() throws IOException {
    long commitsBefore = commits(dir.resolve("wh-a"), TableNames.USER_FEATURES);
    a.ok("run", "--date", "2026-05-03");
    assertTrue(
        commits(dir.resolve("wh-a"), TableNames.USER_FEATURES) > commitsBefore,
        "the rerun committed a new version");
    assertEveryTableEqual();
  }

  @Test
  void generatedDataHasEveryKindOfBadRowAndBalances() {
    Set<String> reasons =
        a.table(TableNames.EVENTS_REJECTED).select("reason").distinct().collectAsList().stream()
            .map(r -> r.getString(0))
            .collect(Collectors.toSet());
    // Every reason a row of generated data can have. Files that do not read, folders, non-UTF-8
    // bytes and (with ingest.timestamps-without-offset = reject) timestamps without offset are not
    // in generated data: BadInputCorpusTest has them.
    Set<RejectReason> notGenerated =
        Set.of(
            RejectReason.UNREADABLE_FILE,
            RejectReason.NOT_A_FILE,
            RejectReason.INVALID_UTF8,
            RejectReason.TIMESTAMP_WITHOUT_OFFSET);
    Set<String> all =
        Arrays.stream(RejectReason.values())
            .filter(r -> !notGenerated.contains(r))
            .map(RejectReason::code)
            .collect(Collectors.toSet());
    assertEquals(all, reasons);
    for (Row run : a.table(TableNames.INGEST_RUNS).collectAsList()) {
      long read = run.getLong(run.fieldIndex("read"));
      long parts =
          run.getLong(run.fieldIndex("accepted"))
              + run.getLong(run.fieldIndex("duplicates"))
              + run.getLong(run.fieldIndex("rejected"));
      assertEquals(read, parts, "ingest_runs " + run);
      long rejectedRows =
          a.table(TableNames.EVENTS_REJECTED)
              .where(col("ingest_date").equalTo(lit(run.getDate(run.fieldIndex("ingest_date")))))
              .count();
      assertEquals(
          read - run.getLong(run.fieldIndex("accepted")), rejectedRows, "events_rejected " + run);
    }
    // Input lines counted independently of the pipeline (gzip NDJSON, read as text).
    long lines = SparkTestSupport.spark().read().text(dir.resolve("in").toString()).count();
    long read =
        a.table(TableNames.INGEST_RUNS)
            .agg(org.apache.spark.sql.functions.sum("read"))
            .first()
            .getLong(0);
    assertEquals(lines, read);
  }

  @Test
  void parquetInputGivesTheSameEventsAsJson() {
    Path parquet = dir.resolve("in-parquet");
    TestRuns p = new TestRuns(parquet, dir.resolve("wh-p"), SETTINGS);
    p.ok(
        "generate",
        "--output",
        parquet.toString(),
        "--format",
        "parquet",
        "--start",
        "2026-05-01",
        "--days",
        "3",
        "--users",
        "60",
        "--accounts",
        "8",
        "--bad-row-rate",
        "0.3",
        "--seed",
        "7");
    p.ok("ingest", "--date", "2026-05-01", "-Dinput.format=parquet");
    String[] columns = {
      "message_id",
      "type",
      "event",
      "user_id",
      "group_id",
      "timestamp",
      "event_date",
      "properties",
      "traits"
    };
    Date d1 = Date.valueOf("2026-05-01");
    SparkTestSupport.assertSameRows(
        a.table(TableNames.EVENTS).where(col("ingest_date").equalTo(lit(d1))).selectExpr(columns),
        p.table(TableNames.EVENTS).selectExpr(columns));
    // Parquet cannot carry a line that is not JSON; every other rejection is the same.
    SparkTestSupport.assertSameRows(
        a.table(TableNames.EVENTS_REJECTED)
            .where(col("ingest_date").equalTo(lit(d1)))
            .where(col("reason").notEqual("invalid_json"))
            .select("reason", "message_id", "event_date"),
        p.table(TableNames.EVENTS_REJECTED).select("reason", "message_id", "event_date"));
  }

  /** docs/tables.md names every column of every table (window columns as {@code <N>}). */
  @Test
  void everyColumnIsDocumented() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "tables.md"));
    Set<String> documented = new HashSet<>();
    Matcher m = Pattern.compile("`([a-z0-9_<>N]+)`").matcher(doc);
    while (m.find()) {
      documented.add(m.group(1));
    }
    Set<String> traitColumns =
        Set.of("created_at", "email", "name", "role", "industry", "parent_group_id", "plan");
    for (String table : TestRuns.OUTPUTS) {
      assertTrue(
          Pattern.compile("(?m)^### .*`" + table + "`").matcher(doc).find(),
          "docs/tables.md has no section for " + table);
      for (String column : a.table(table).columns()) {
        String generic = column.replaceAll("_\\d+d$", "_<N>d");
        assertTrue(
            documented.contains(generic) || traitColumns.contains(column),
            "docs/tables.md does not document " + table + "." + column);
      }
    }
  }

  /**
   * Score properties on generated data, every date, workspace and entity: scores within 0..100;
   * score 0 exactly when raw 0; scores never decrease as raw scores grow; the benchmark is the
   * nearest-rank p90 of the positive raw scores (computed here from the rows); exponential: an
   * entity at the benchmark scores 90; linear: at or above it 100.
   */
  @Test
  void scoresHoldTheirPropertiesOnGeneratedData() {
    Map<String, Double> benchmarks = new HashMap<>();
    for (Row t :
        a.table(TableNames.SEGMENT_THRESHOLDS)
            .where(col("metric").equalTo("raw_score").and(col("band").isNull()))
            .collectAsList()) {
      benchmarks.put(
          t.getDate(0) + "/" + t.getString(1) + "/" + t.getString(2),
          t.isNullAt(t.fieldIndex("benchmark")) ? null : t.getDouble(t.fieldIndex("benchmark")));
    }
    int groups = 0;
    for (String entity : List.of("user", "account")) {
      Map<String, List<double[]>> byGroup = new HashMap<>();
      for (Row r :
          a.table(entity.equals("user") ? TableNames.USER_SCORES : TableNames.ACCOUNT_SCORES)
              .collectAsList()) {
        String key =
            r.getDate(r.fieldIndex("as_of_date"))
                + "/"
                + r.getString(r.fieldIndex("workspace"))
                + "/"
                + entity;
        byGroup
            .computeIfAbsent(key, k -> new java.util.ArrayList<>())
            .add(
                new double[] {
                  r.getDouble(r.fieldIndex("raw_score")), r.getInt(r.fieldIndex("engagement_score"))
                });
      }
      for (Map.Entry<String, List<double[]>> g : byGroup.entrySet()) {
        groups++;
        List<double[]> rows = g.getValue();
        rows.sort(Comparator.<double[]>comparingDouble(x -> x[0]).thenComparingDouble(x -> x[1]));
        double[] previous = {-1, 0};
        List<Double> positive = new java.util.ArrayList<>();
        for (double[] x : rows) {
          assertTrue(x[1] >= 0 && x[1] <= 100, g.getKey() + " score out of range: " + x[1]);
          assertEquals(x[0] == 0, x[1] == 0, g.getKey() + " raw " + x[0] + " score " + x[1]);
          assertTrue(x[1] >= previous[1], g.getKey() + " score falls as raw grows at raw " + x[0]);
          if (x[0] == previous[0]) {
            assertEquals(previous[1], x[1], g.getKey() + " two scores for raw " + x[0]);
          }
          previous = x;
          if (x[0] > 0) {
            positive.add(x[0]);
          }
        }
        Double benchmark = benchmarks.get(g.getKey());
        if (positive.isEmpty()) {
          assertEquals(null, benchmark, g.getKey());
          continue;
        }
        double nearestRank = positive.get((int) Math.ceil(0.9 * positive.size()) - 1);
        assertEquals(nearestRank, benchmark, 0.0, g.getKey() + " benchmark");
        boolean exponential = g.getKey().contains("/default/");
        for (double[] x : rows) {
          if (exponential && x[0] == benchmark) {
            assertEquals(90, x[1], g.getKey() + " at the benchmark");
          }
          if (!exponential && x[0] >= benchmark) {
            assertEquals(100, x[1], g.getKey() + " at or above the benchmark (linear)");
          }
        }
      }
    }
    assertEquals(3 * 2 * 2, groups, "dates x workspaces x entities");
  }

  /** The number of commits in a table's Delta log. */
  private static long commits(Path warehouse, String table) throws IOException {
    try (Stream<Path> files = Files.list(warehouse.resolve(table).resolve("_delta_log"))) {
      return files.filter(f -> f.getFileName().toString().matches("\\d{20}\\.json")).count();
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
