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
import java.util.Collection;
import java.util.Optional;
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
        .agg(max_by(col("account_id"), struct(col("assigned_at"), col("message_id"))).as("account_id"));
  }

  /**
   * user × day × event counts for the given days from track events {@code (user_id, event,
   * timestamp, event_date)}; each row is attributed to the user's account on that day.
   */
  public static Dataset<Row> userDailyActivity(
      Dataset<Row> trackEvents, Dataset<Row> memberships, Collection<LocalDate> days) {
    Dataset<Row> counts =
        trackEvents
            .groupBy(col("event_date").as("activity_date"), col("user_id"), col("event"))
            .agg(count(lit(1)).as("event_count"), min(col("timestamp")).as("first_ts"), max(col("timestamp")).as("last_ts"));
    Optional<Dataset<Row>> accounts =
        days.stream()
            .map(d -> accountsOn(memberships, d).withColumn("account_date", lit(Date.valueOf(d))))
            .reduce(Dataset::unionByName);
    Dataset<Row> attributed =
        accounts
            .map(a -> counts.join(
                a.withColumnRenamed("user_id", "account_user_id"),
                col("user_id").equalTo(col("account_user_id")).and(col("activity_date").equalTo(col("account_date"))),
                "left"))
            .orElse(counts.withColumn("account_id", lit(null).cast("string")));
    return attributed.select(
        col("activity_date"), col("user_id"), col("account_id"), col("event"),
        col("event_count"), col("first_ts"), col("last_ts"));
  }

  /**
   * All-time totals per user and event: {@code previous} totals (if any) plus the newly ingested
   * track events. Columns {@code (user_id, event, event_count, first_ts, last_ts)}.
   */
  public static Dataset<Row> totals(Optional<Dataset<Row>> previous, Dataset<Row> newTrackEvents) {
    Dataset<Row> fresh =
        newTrackEvents
            .groupBy(col("user_id"), col("event"))
            .agg(count(lit(1)).as("event_count"), min(col("timestamp")).as("first_ts"), max(col("timestamp")).as("last_ts"));
    if (previous.isEmpty()) {
      return fresh;
    }
    Dataset<Row> prior = previous.get().select("user_id", "event", "event_count", "first_ts", "last_ts");
    return prior
        .unionByName(fresh)
        .groupBy(col("user_id"), col("event"))
        .agg(sum(col("event_count")).as("event_count"), min(col("first_ts")).as("first_ts"), max(col("last_ts")).as("last_ts"));
  }
}
