package dev.segments.jobs.maintain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.common.testing.SparkTestSupport;
import dev.segments.jobs.TestRuns;
import io.delta.tables.DeltaTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code segments maintain} on a warehouse of small files written the way nightly runs write them
 * (one commit per date, several files a commit): retention by class, compaction, vacuum and log
 * checkpoints, with every row kept but those of the dates the retention cuts.
 */
class MaintainTest {
  @TempDir Path dir;

  /** Appends one date's rows to a table partitioned by {@code column}, as {@code files} files. */
  private static void append(
      Path table, String column, String date, int rows, int files, String prefix) {
    SparkSession spark = SparkTestSupport.spark();
    spark
        .range(rows)
        .selectExpr(
            "to_date('" + date + "') as " + column,
            "concat('" + prefix + "', id) as user_id",
            "id * 1.5 as score")
        .repartition(files)
        .write()
        .format("delta")
        .mode("append")
        .partitionBy(column)
        .save(table.toString());
  }

  private static List<String> rows(Path table) {
    Dataset<Row> df = SparkTestSupport.spark().read().format("delta").load(table.toString());
    List<String> out = new ArrayList<>();
    df.collectAsList().forEach(r -> out.add(r.toString()));
    out.sort(String::compareTo);
    return out;
  }

  private static long activeFiles(Path table) {
    return ((Number)
            DeltaTable.forPath(SparkTestSupport.spark(), table.toString())
                .detail()
                .select("numFiles")
                .first()
                .get(0))
        .longValue();
  }

  /** Parquet files on disk, referenced or not. */
  private static long storedFiles(Path table) throws IOException {
    try (Stream<Path> s = Files.walk(table)) {
      return s.filter(p -> !p.toString().contains("_delta_log"))
          .filter(p -> p.getFileName().toString().endsWith(".parquet"))
          .count();
    }
  }

  private static boolean checkpointed(Path table) throws IOException {
    try (Stream<Path> s = Files.list(table.resolve("_delta_log"))) {
      return s.anyMatch(p -> p.getFileName().toString().endsWith(".checkpoint.parquet"));
    }
  }

  @Test
  void cutsOnlyTheDatesItsClassDoesNotKeepCompactsVacuumsAndCheckpoints() throws IOException {
    Path warehouse = dir.resolve("warehouse");
    Path features = warehouse.resolve("user_features");
    Path segment = warehouse.resolve("segment_power_users");
    Path activity = warehouse.resolve("user_daily_activity");
    // user_features (class snapshots): 4 dates, 3 files each; the newest is 2026-02-10, so 31
    // days kept are 2026-01-11 .. 2026-02-10, and only 2026-01-01 (5 rows) is cut.
    append(features, "as_of_date", "2026-01-01", 5, 3, "u");
    append(features, "as_of_date", "2026-01-11", 6, 3, "u");
    append(features, "as_of_date", "2026-02-01", 7, 3, "u");
    append(features, "as_of_date", "2026-02-10", 8, 3, "u");
    // The date is rewritten once more, as a rerun does: its first files are no longer referenced.
    DeltaTable.forPath(SparkTestSupport.spark(), features.toString())
        .delete("as_of_date = '2026-02-10'");
    append(features, "as_of_date", "2026-02-10", 8, 3, "u");
    // A segment's table (class membership, kept whole by default): 3 dates, 2 files each.
    append(segment, "as_of_date", "2025-06-01", 4, 2, "m");
    append(segment, "as_of_date", "2026-01-01", 4, 2, "m");
    append(segment, "as_of_date", "2026-02-10", 3, 2, "m");
    // The daily rollup (no class: never cut), far older than any retention.
    append(activity, "activity_date", "2024-01-01", 4, 2, "a");
    append(activity, "activity_date", "2026-02-10", 4, 2, "a");

    List<String> featuresBefore = rows(features);
    List<String> segmentBefore = rows(segment);
    List<String> activityBefore = rows(activity);
    assertEquals(12, activeFiles(features));
    assertEquals(15, storedFiles(features), "3 files of the rewritten date stay on disk");
    assertEquals(6, activeFiles(segment));

    TestRuns runs =
        new TestRuns(
            dir.resolve("input"),
            warehouse,
            "-Dmaintain.vacuum-retention-hours=0",
            "-Dmaintain.keep-days.snapshots=31");
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int rc;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      rc = runs.run("maintain");
    } finally {
      System.setOut(stdout);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertEquals(0, rc, out);

    // Rows: the cut date's rows are gone from user_features, nothing else moved.
    List<String> featuresKept = new ArrayList<>(featuresBefore);
    featuresKept.removeIf(r -> r.startsWith("[2026-01-01,"));
    assertEquals(featuresBefore.size() - 5, featuresKept.size());
    assertEquals(featuresKept, rows(features));
    assertEquals(segmentBefore, rows(segment));
    assertEquals(activityBefore, rows(activity));

    // One file per date left, and with a vacuum of 0 hours nothing else on disk.
    assertEquals(3, activeFiles(features));
    assertEquals(3, storedFiles(features));
    assertEquals(3, activeFiles(segment));
    assertEquals(3, storedFiles(segment));
    assertEquals(2, activeFiles(activity));
    assertEquals(2, storedFiles(activity));
    for (Path t : List.of(features, segment, activity)) {
      assertTrue(checkpointed(t), t + " has a checkpoint");
    }

    // The report: one line per table (before -> after) and the totals.
    assertTrue(out.contains("dates kept: snapshots 31 days, membership all"), out);
    String line = out.lines().filter(l -> l.startsWith("user_features ")).findFirst().orElseThrow();
    assertTrue(line.contains("12 -> 3"), line);
    assertTrue(line.contains("15 -> 3"), line);
    assertTrue(line.contains("26 -> 21"), line);
    assertTrue(line.contains("kept from 2026-01-11 (snapshots): 5 rows removed"), line);
    assertTrue(out.contains("maintain: 3 tables; active files 22 -> 8, bytes "), out);
    assertTrue(out.contains("stored files 25 -> 8; 5 rows removed by retention"), out);
  }

  @Test
  void anUnknownTableIsAnErrorBeforeAnythingIsTouched() {
    Path warehouse = dir.resolve("warehouse");
    Path features = warehouse.resolve("user_features");
    append(features, "as_of_date", "2026-01-01", 3, 3, "u");
    TestRuns runs = new TestRuns(dir.resolve("input"), warehouse);
    assertEquals(1, runs.run("maintain", "--tables", "user_features,user_featurs"));
    assertEquals(3, activeFiles(features), "not compacted");
  }
}
