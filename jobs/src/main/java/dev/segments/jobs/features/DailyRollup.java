package dev.segments.jobs.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;

import java.sql.Date;
import java.time.LocalDate;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Pure functions building the incremental rollups from events. */
public final class DailyRollup {

  private DailyRollup() {}

  /**
   * Each user's account on date {@code day}: the latest group / identify assignment made on or
   * before that day (by time, then messageId). Columns {@code (user_id, account_id)}.
   */
  public static Dataset<Row> accountsOn(Dataset<Row> memberships, LocalDate day) {
    return memberships
        .where(to_date(col("assigned_at")).leq(lit(Date.valueOf(day))))
        .groupBy(col("user_id"))
        .agg(
            max_by(col("account_id"), struct(col("assigned_at"), col("message_id")))
                .as("account_id"));
  }

  /**
   * user × day × event × input day counts of the track events {@code (user_id, event, timestamp,
   * event_date, ingest_date)} given (the caller picks the days); late events are rows of their own,
   * so a reader can take what was known on a date ({@link #knownOn}); each row is attributed to the
   * user's account on that day, as {@link #accountsOn} gives it for that day.
   *
   * <p>One join for all days: each (day, user) pair meets its user's assignments made on or before
   * the day and keeps the latest. (A union of one {@code accountsOn} per day made a plan, a
   * membership scan and a Delta scan planning per day: 41 s of the 60 s features stage of a 121-day
   * recompute, docs/benchmarks.md.)
   */
  public static Dataset<Row> userDailyActivity(Dataset<Row> trackEvents, Dataset<Row> memberships) {
    Dataset<Row> counts =
        trackEvents
            .groupBy(
                col("event_date").as("activity_date"),
                col("user_id"),
                col("event"),
                col("ingest_date"))
            .agg(
                count(lit(1)).as("event_count"),
                min(col("timestamp")).as("first_ts"),
                max(col("timestamp")).as("last_ts"));
    Dataset<Row> userDays =
        counts.select(col("activity_date").as("a_date"), col("user_id").as("a_user")).distinct();
    Dataset<Row> assignments =
        memberships.select(
            col("user_id").as("m_user"),
            to_date(col("assigned_at")).as("m_date"),
            col("assigned_at"),
            col("message_id"),
            col("account_id"));
    Dataset<Row> accountOfDay =
        userDays
            .join(
                assignments,
                col("a_user").equalTo(col("m_user")).and(col("m_date").leq(col("a_date"))))
            .groupBy(col("a_date"), col("a_user"))
            .agg(
                max_by(col("account_id"), struct(col("assigned_at"), col("message_id")))
                    .as("account_id"));
    return counts
        .join(
            accountOfDay,
            col("user_id").equalTo(col("a_user")).and(col("activity_date").equalTo(col("a_date"))),
            "left")
        .select(
            col("activity_date"),
            col("user_id"),
            col("account_id"),
            col("event"),
            col("event_count"),
            col("first_ts"),
            col("last_ts"),
            col("ingest_date"));
  }

  /**
   * The rollup rows a run of {@code date} reads: those ingested on the date or before (rows written
   * before the rollup kept the input day have none, and are read by every date).
   */
  public static Column knownOn(LocalDate date) {
    return col("ingest_date").isNull().or(col("ingest_date").leq(lit(Date.valueOf(date))));
  }

  /**
   * All-time totals per user and event: {@code previous} totals (if any) plus the newly ingested
   * track events. Columns {@code (user_id, event, event_count, first_ts, last_ts)}.
   */
  public static Dataset<Row> totals(Optional<Dataset<Row>> previous, Dataset<Row> newTrackEvents) {
    Dataset<Row> fresh =
        newTrackEvents
            .groupBy(col("user_id"), col("event"))
            .agg(
                count(lit(1)).as("event_count"),
                min(col("timestamp")).as("first_ts"),
                max(col("timestamp")).as("last_ts"));
    if (previous.isEmpty()) {
      return fresh;
    }
    Dataset<Row> prior =
        previous.get().select("user_id", "event", "event_count", "first_ts", "last_ts");
    return prior
        .unionByName(fresh)
        .groupBy(col("user_id"), col("event"))
        .agg(
            sum(col("event_count")).as("event_count"),
            min(col("first_ts")).as("first_ts"),
            max(col("last_ts")).as("last_ts"));
  }
}
