package dev.segments.jobs.health;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import dev.segments.common.tables.TableNames;
import dev.segments.common.tables.Warehouse;
import dev.segments.jobs.pipeline.Stages;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What {@code segments status} reports from {@code pipeline_runs} and the segment tables: the
 * latest attempt of every stage on every date of a window, the stages whose latest attempt failed,
 * the segments whose newest date is older than the latest run date (stale), and the dates of the
 * window with no run at all.
 *
 * @param through the window's last date: the given date, else the latest date in {@code
 *     pipeline_runs}
 * @param latestRun the latest date any stage ran for, up to {@code through}
 */
public record RunStatus(
    LocalDate from,
    LocalDate through,
    Optional<LocalDate> latestRun,
    List<StageRun> runs,
    List<StageRun> failed,
    List<Stale> stale,
    List<LocalDate> missing) {

  /** The latest attempt of one stage for one date, and how many attempts there were. */
  public record StageRun(
      LocalDate date,
      String stage,
      String status,
      Instant startedAt,
      long durationMs,
      Optional<String> error,
      String runId,
      int attempts) {
    public boolean failed() {
      return status.equals("failed");
    }
  }

  /** An active segment whose table's newest date ({@code newest}; empty: no rows) is too old. */
  public record Stale(String segmentId, Optional<LocalDate> newest) {}

  public boolean healthy() {
    return latestRun.isPresent() && failed.isEmpty() && stale.isEmpty() && missing.isEmpty();
  }

  /**
   * @param through the last date to check (e.g. yesterday, for a monitor); empty: the latest date
   *     in {@code pipeline_runs}
   * @param days the window's length, ending at {@code through}
   */
  public static RunStatus of(Warehouse warehouse, Optional<LocalDate> through, int days) {
    if (days < 1) {
      throw new dev.segments.common.UserError("--days must be at least 1, not " + days);
    }
    if (!warehouse.exists(TableNames.PIPELINE_RUNS)) {
      LocalDate end = through.orElse(LocalDate.now(java.time.ZoneOffset.UTC));
      return new RunStatus(
          end.minusDays(days - 1L),
          end,
          Optional.empty(),
          List.of(),
          List.of(),
          List.of(),
          datesBetween(end.minusDays(days - 1L), end));
    }
    LocalDate end =
        through.orElseGet(
            () -> {
              Row r = warehouse.read(TableNames.PIPELINE_RUNS).agg(max("as_of_date")).first();
              return r.getDate(0).toLocalDate();
            });
    LocalDate start = end.minusDays(days - 1L);
    List<Row> rows =
        warehouse
            .read(TableNames.PIPELINE_RUNS)
            .where(col("as_of_date").between(lit(Date.valueOf(start)), lit(Date.valueOf(end))))
            .select("as_of_date", "stage", "status", "started_at", "duration_ms", "error", "run_id")
            .collectAsList();
    // The latest attempt per date and stage (by start; a retry supersedes a failure).
    Map<String, StageRun> latest = new LinkedHashMap<>();
    Map<String, Integer> attempts = new LinkedHashMap<>();
    for (Row r : rows) {
      StageRun run =
          new StageRun(
              r.getDate(0).toLocalDate(),
              r.getString(1),
              r.getString(2),
              r.getTimestamp(3).toInstant(),
              r.getLong(4),
              Optional.ofNullable(r.getString(5)),
              r.getString(6),
              1);
      String key = run.date() + "/" + run.stage();
      attempts.merge(key, 1, Integer::sum);
      StageRun before = latest.get(key);
      if (before == null || run.startedAt().isAfter(before.startedAt())) {
        latest.put(key, run);
      }
    }
    List<String> order = Stages.names();
    List<StageRun> runs = new ArrayList<>();
    latest.forEach(
        (key, r) ->
            runs.add(
                new StageRun(
                    r.date(),
                    r.stage(),
                    r.status(),
                    r.startedAt(),
                    r.durationMs(),
                    r.error(),
                    r.runId(),
                    attempts.get(key))));
    runs.sort(
        Comparator.comparing(StageRun::date)
            .thenComparing(r -> order.indexOf(r.stage()) < 0 ? 99 : order.indexOf(r.stage())));
    List<StageRun> failed = runs.stream().filter(StageRun::failed).toList();
    Optional<LocalDate> latestRun = runs.stream().map(StageRun::date).max(LocalDate::compareTo);
    TreeSet<LocalDate> ran = new TreeSet<>(runs.stream().map(StageRun::date).toList());
    List<LocalDate> missing =
        datesBetween(start, end).stream().filter(d -> !ran.contains(d)).toList();
    List<Stale> stale = latestRun.map(d -> stale(warehouse, d)).orElse(List.of());
    return new RunStatus(start, end, latestRun, runs, failed, stale, missing);
  }

  /**
   * The active segments (segment_definitions) whose newest date in segment_sizes, which holds a row
   * per segment and date, empty segments included, is before {@code latest}: one query over one
   * table, however many segments there are.
   */
  private static List<Stale> stale(Warehouse warehouse, LocalDate latest) {
    if (!warehouse.exists(TableNames.SEGMENT_DEFINITIONS)) {
      return List.of();
    }
    Dataset<Row> active =
        warehouse.read(TableNames.SEGMENT_DEFINITIONS).where(col("active")).select("segment_id");
    Dataset<Row> newest =
        warehouse.exists(TableNames.SEGMENT_SIZES)
            ? warehouse
                .read(TableNames.SEGMENT_SIZES)
                .groupBy("segment_id")
                .agg(max("as_of_date").as("newest"))
            : active.select(col("segment_id"), lit(null).cast("date").as("newest"));
    List<Stale> out = new ArrayList<>();
    for (Row r :
        active
            .join(newest, new String[] {"segment_id"}, "left")
            .where(col("newest").isNull().or(col("newest").lt(lit(Date.valueOf(latest)))))
            .orderBy("segment_id")
            .collectAsList()) {
      out.add(
          new Stale(
              r.getString(0),
              r.isNullAt(1) ? Optional.empty() : Optional.of(r.getDate(1).toLocalDate())));
    }
    return out;
  }

  private static List<LocalDate> datesBetween(LocalDate from, LocalDate to) {
    List<LocalDate> out = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      out.add(d);
    }
    return out;
  }
}
