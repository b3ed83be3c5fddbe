package dev.segments.jobs.pipeline;

import dev.segments.common.tables.TableCatalog;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pipeline_runs}: the stage results of one command's run (one run id), appended in one Delta
 * commit per call. A run over a range of dates records after a date once {@link #FLUSH_EVERY} has
 * passed since its last write, and always when it ends or fails, so a long backfill's progress is
 * visible and a short run costs one commit.
 */
final class RunLog {
  private static final Logger LOG = LoggerFactory.getLogger(RunLog.class);

  /** How long a run over a range of dates keeps its results before appending them. */
  static final Duration FLUSH_EVERY = Duration.ofMinutes(1);

  static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("as_of_date", DataTypes.DateType, false)
          .add("stage", DataTypes.StringType, false)
          .add("status", DataTypes.StringType, false)
          .add("started_at", DataTypes.TimestampType, false)
          .add("ended_at", DataTypes.TimestampType, false)
          .add("duration_ms", DataTypes.LongType, false)
          .add(
              "rows_read",
              DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType, false),
              false)
          .add(
              "rows_written",
              DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType, false),
              false)
          .add("error", DataTypes.StringType, true)
          .add("host", DataTypes.StringType, true);

  private final StageContext context;
  private final String runId = UUID.randomUUID().toString();
  private final String host = RunLock.host();
  private long lastWrite = System.nanoTime();

  RunLog(StageContext context) {
    this.context = context;
  }

  /** Whether results kept since the last write are old enough to be appended now. */
  boolean due() {
    return System.nanoTime() - lastWrite >= FLUSH_EVERY.toNanos();
  }

  /**
   * Appends the results. A failure to record is logged and not thrown: it must not hide the stage's
   * own error or fail a run whose outputs are written.
   */
  void record(List<StageResult> results) {
    if (results.isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>();
    for (StageResult r : results) {
      rows.add(
          RowFactory.create(
              runId,
              Date.valueOf(r.date()),
              r.stage(),
              r.status().name().toLowerCase(java.util.Locale.ROOT),
              Timestamp.from(r.startedAt()),
              Timestamp.from(r.startedAt().plus(r.duration())),
              r.duration().toMillis(),
              scala.jdk.javaapi.CollectionConverters.asScala(r.rowsRead()),
              scala.jdk.javaapi.CollectionConverters.asScala(r.rowsWritten()),
              r.error().orElse(null),
              host));
    }
    try {
      context
          .warehouse()
          .append(TableCatalog.PIPELINE_RUNS, context.spark().createDataFrame(rows, SCHEMA));
    } catch (RuntimeException e) {
      LOG.error(
          "Could not record {} stage results of run {} in pipeline_runs: {}",
          results.size(),
          runId,
          e.toString());
    } finally {
      // Not a stage's write: left out of the next stage's rows written.
      context.warehouse().takeWritten();
      lastWrite = System.nanoTime();
    }
  }
}
