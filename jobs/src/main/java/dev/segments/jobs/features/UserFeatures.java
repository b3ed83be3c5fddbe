package dev.segments.jobs.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.segments.common.config.TraitColumn;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The user_features snapshot of one date, as a pure function of the rollups and traits. */
public final class UserFeatures {

  private UserFeatures() {}

  /**
   * @param eventCounts per user and event, the count in each window ({@link
   *     WindowAggregates#userEventCounts})
   * @param activeDates each user's activity dates in the longest window ending on {@code asOf}
   *     {@code (user_id, activity_date)}, one row each
   * @param totals user_event_totals of {@code asOf} {@code (user_id, event, event_count, first_ts,
   *     last_ts)}
   * @param userTraits user_traits (id, typed columns, traits map)
   * @param accounts each user's account on {@code asOf} {@code (user_id, account_id)}
   */
  public static Dataset<Row> compute(
      LocalDate asOf,
      List<Integer> windows,
      Dataset<Row> eventCounts,
      Dataset<Row> activeDates,
      Dataset<Row> totals,
      Dataset<Row> userTraits,
      Dataset<Row> accounts,
      List<TraitColumn> traitColumns) {
    Dataset<Row> population =
        totals
            .select("user_id")
            .union(userTraits.select("user_id"))
            .union(accounts.select("user_id"))
            .distinct();
    Dataset<Row> joined =
        population
            .join(accounts, "user_id", "left")
            .join(WindowAggregates.allTime(totals, "user_id"), "user_id", "left")
            .join(
                WindowAggregates.activeDayCounts(activeDates, "user_id", asOf, windows),
                "user_id",
                "left")
            .join(WindowAggregates.eventWindows(eventCounts, "user_id", windows), "user_id", "left")
            .join(userTraits.select("user_id", "traits"), "user_id", "left");

    List<Column> columns = new ArrayList<>();
    columns.add(lit(Date.valueOf(asOf)).as("as_of_date"));
    columns.add(col("user_id"));
    columns.add(col("account_id"));
    columns.add(col("first_seen"));
    columns.add(col("last_seen"));
    columns.addAll(WindowAggregates.activityAndTraitColumns(asOf, windows, traitColumns));
    return joined.select(columns.toArray(Column[]::new));
  }
}
