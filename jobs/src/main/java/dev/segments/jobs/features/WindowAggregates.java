package dev.segments.jobs.features;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import dev.segments.common.config.TraitColumn;
import dev.segments.jobs.ingest.Traits;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Rolling-window and all-time aggregates shared by user and account features. A window of N days on
 * date D covers activity dates D-N+1 .. D, both included.
 */
public final class WindowAggregates {

  private WindowAggregates() {}

  public static String activeDays(int window) {
    return "active_days_" + window + "d";
  }

  public static String totalEvents(int window) {
    return "total_events_" + window + "d";
  }

  public static String eventCounts(int window) {
    return "event_counts_" + window + "d";
  }

  public static String activeUsers(int window) {
    return "active_users_" + window + "d";
  }

  /** True for activity dates inside the window of {@code window} days ending on {@code asOf}. */
  public static Column inWindow(LocalDate asOf, int window) {
    return inWindow(col("activity_date"), asOf, window);
  }

  /**
   * True for dates in {@code date} inside the window of {@code window} days ending on {@code asOf}.
   */
  public static Column inWindow(Column date, LocalDate asOf, int window) {
    return date.geq(lit(Date.valueOf(asOf.minusDays(window - 1L))));
  }

  /** The column of {@link #userEventCounts} holding the count of window {@code window}. */
  public static String windowCount(int window) {
    return "c" + window;
  }

  /**
   * Per user and event: the event count in each window ({@link #windowCount} columns, 0 where
   * none), from rollup rows {@code (user_id, activity_date, event, event_count)} of the longest
   * window. The one pass over the rollup that user and account event windows share (an account's
   * counts are its members' counts summed).
   */
  public static Dataset<Row> userEventCounts(
      Dataset<Row> activity, LocalDate asOf, List<Integer> windows) {
    List<Column> perEvent = new ArrayList<>();
    for (int w : windows) {
      perEvent.add(
          coalesce(sum(when(inWindow(asOf, w), col("event_count"))), lit(0L)).as(windowCount(w)));
    }
    return activity
        .groupBy(col("user_id"), col("event"))
        .agg(perEvent.get(0), perEvent.subList(1, perEvent.size()).toArray(Column[]::new));
  }

  /**
   * Per id: total events and the per-event counts (a map, events with no count left out) in each
   * window, from rows {@code (id, event, c1, c7, ...)} with one row per id and event.
   */
  public static Dataset<Row> eventWindows(
      Dataset<Row> eventCounts, String id, List<Integer> windows) {
    List<Column> perId = new ArrayList<>();
    for (int w : windows) {
      perId.add(sum(col(windowCount(w))).as(totalEvents(w)));
    }
    for (int w : windows) {
      Column c = col(windowCount(w));
      perId.add(
          map_from_entries(
                  array_sort(collect_list(when(c.gt(0), struct(col("event"), c.as("count"))))))
              .as(eventCounts(w)));
    }
    return eventCounts
        .groupBy(col(id))
        .agg(perId.get(0), perId.subList(1, perId.size()).toArray(Column[]::new));
  }

  /**
   * Per id: the number of activity dates in each window, from rows {@code (id, activity_date)} with
   * one row per id and date.
   */
  public static Dataset<Row> activeDayCounts(
      Dataset<Row> activeDates, String id, LocalDate asOf, List<Integer> windows) {
    List<Column> counts = new ArrayList<>();
    for (int w : windows) {
      counts.add(count(when(inWindow(asOf, w), lit(1))).as(activeDays(w)));
    }
    return activeDates
        .groupBy(col(id))
        .agg(counts.get(0), counts.subList(1, counts.size()).toArray(Column[]::new));
  }

  /**
   * Per id: first and last seen, total events and per-event counts of all time, from totals rows
   * {@code (id, event, event_count, first_ts, last_ts)} (several rows per id and event allowed).
   */
  public static Dataset<Row> allTime(Dataset<Row> totals, String id) {
    Dataset<Row> byEvent =
        totals
            .groupBy(col(id), col("event"))
            .agg(
                sum(col("event_count")).as("event_count"),
                min(col("first_ts")).as("first_ts"),
                max(col("last_ts")).as("last_ts"));
    return byEvent
        .groupBy(col(id))
        .agg(
            min(col("first_ts")).as("first_seen"),
            max(col("last_ts")).as("last_seen"),
            sum(col("event_count")).as("total_events_all_time"),
            map_from_entries(
                    array_sort(collect_list(struct(col("event"), col("event_count").as("count")))))
                .as("event_counts_all_time"));
  }

  /**
   * Per account: users active in each window, plus {@code total_users} over its own window. A user
   * counts in a window when the last of their active dates {@code (user_id, activity_date)} falls
   * in it, under their account in {@code members} {@code (user_id, account_id)}.
   */
  public static Dataset<Row> activeUserCounts(
      Dataset<Row> userActiveDates,
      Dataset<Row> members,
      LocalDate asOf,
      List<Integer> windows,
      int totalUsersWindow) {
    Column last = col("last_active");
    List<Column> counts = new ArrayList<>();
    counts.add(count(when(inWindow(last, asOf, totalUsersWindow), lit(1))).as("total_users"));
    for (int w : windows) {
      counts.add(count(when(inWindow(last, asOf, w), lit(1))).as(activeUsers(w)));
    }
    return userActiveDates
        .groupBy(col("user_id"))
        .agg(max(col("activity_date")).as("last_active"))
        .join(members, "user_id")
        .groupBy(col("account_id"))
        .agg(counts.get(0), counts.subList(1, counts.size()).toArray(Column[]::new));
  }

  /** Days from the date of {@code timestamp} to {@code asOf} (0 on the same day). */
  public static Column daysSince(LocalDate asOf, Column timestamp) {
    return datediff(lit(Date.valueOf(asOf)), to_date(timestamp));
  }

  /**
   * The columns user and account features share, in table order: tenure, recency, the window
   * columns (active days, total events, per-event counts), the all-time ones, the typed traits and
   * the traits map. Expects first_seen, last_seen, the window aggregates and traits joined in.
   */
  public static List<Column> activityAndTraitColumns(
      LocalDate asOf, List<Integer> windows, List<TraitColumn> traitColumns) {
    List<Column> columns = new ArrayList<>();
    columns.add(daysSince(asOf, col("first_seen")).as("tenure_days"));
    columns.add(daysSince(asOf, col("last_seen")).as("days_since_last_seen"));
    for (int w : windows) {
      columns.add(zeroIfNull(activeDays(w), false));
    }
    for (int w : windows) {
      columns.add(zeroIfNull(totalEvents(w), false));
    }
    for (int w : windows) {
      columns.add(zeroIfNull(eventCounts(w), true));
    }
    columns.add(zeroIfNull("total_events_all_time", false));
    columns.add(zeroIfNull("event_counts_all_time", true));
    for (TraitColumn t : traitColumns) {
      columns.add(Traits.typedValue(col("traits"), t).as(t.column()));
    }
    columns.add(coalesce(col("traits"), Traits.emptyMap()).as("traits"));
    return columns;
  }

  /** 0 for a missing count, an empty map for a missing per-event map. */
  public static Column zeroIfNull(String column, boolean isMap) {
    return isMap
        ? coalesce(
                col(column),
                map_from_entries(
                    org.apache
                        .spark
                        .sql
                        .functions
                        .array()
                        .cast(
                            DataTypes.createArrayType(
                                new org.apache.spark.sql.types.StructType()
                                    .add("event", DataTypes.StringType)
                                    .add("count", DataTypes.LongType)))))
            .as(column)
        : coalesce(col(column), lit(0L)).as(column);
  }
}
