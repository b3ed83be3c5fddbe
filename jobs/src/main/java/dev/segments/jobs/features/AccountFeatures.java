package dev.segments.jobs.features;

import static dev.segments.jobs.features.WindowAggregates.activeUsers;
import static dev.segments.jobs.features.WindowAggregates.zeroIfNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.segments.common.config.TraitColumn;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The account_features snapshot of one date. Every user's activity counts under the account the
 * user belongs to on that date (not the account of the day the activity happened).
 */
public final class AccountFeatures {

  private AccountFeatures() {}

  /**
   * What the leaf and the parent rows of one date read alike: the rows differ only in which
   * accounts they are for, which users count under each, and the level.
   *
   * @param userEventCounts per user and event, the count in each window ({@link
   *     WindowAggregates#userEventCounts})
   * @param userActiveDates each user's activity dates in the longest window ending on {@code asOf}
   *     {@code (user_id, activity_date)}, one row each
   * @param totals user_event_totals of {@code asOf}
   */
  public record Inputs(
      LocalDate asOf,
      List<Integer> windows,
      int totalUsersWindow,
      Dataset<Row> userEventCounts,
      Dataset<Row> userActiveDates,
      Dataset<Row> totals,
      List<TraitColumn> traitColumns) {

    /**
     * The account_features rows of {@code level}.
     *
     * @param accountTraits account_traits of the accounts the rows are for
     * @param accounts each user's account on {@code asOf} {@code (user_id, account_id)}; for parent
     *     rows, each user under each rollup account of its account
     * @param level the rows' {@code level}: {@code leaf}, or {@code parent} (then {@code accounts}
     *     maps users to their rollup accounts and {@code accountTraits} holds every parent)
     */
    public Dataset<Row> rows(Dataset<Row> accountTraits, Dataset<Row> accounts, String level) {
      Dataset<Row> members = accounts.where(col("account_id").isNotNull());
      // An account's window counts are its members' summed; its active dates, its members' dates.
      List<Column> sums = new ArrayList<>();
      for (int w : windows) {
        sums.add(sum(col(WindowAggregates.windowCount(w))).as(WindowAggregates.windowCount(w)));
      }
      Dataset<Row> accountEventCounts =
          userEventCounts
              .join(members, "user_id")
              .groupBy(col("account_id"), col("event"))
              .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new));
      Dataset<Row> accountActiveDates =
          userActiveDates.join(members, "user_id").select("account_id", "activity_date").distinct();
      Dataset<Row> accountTotals = totals.join(members, "user_id");

      Dataset<Row> memberCounts =
          members.groupBy("account_id").agg(count(lit(1)).as("member_users"));
      Dataset<Row> everSeen =
          accountTotals
              .groupBy("account_id")
              .agg(count_distinct(col("user_id")).as("users_ever_seen"));
      Dataset<Row> population =
          accountTraits.select("account_id").union(members.select("account_id")).distinct();

      Dataset<Row> joined =
          population
              .join(memberCounts, "account_id", "left")
              .join(
                  WindowAggregates.activeUserCounts(
                      userActiveDates, members, asOf, windows, totalUsersWindow),
                  "account_id",
                  "left")
              .join(everSeen, "account_id", "left")
              .join(WindowAggregates.allTime(accountTotals, "account_id"), "account_id", "left")
              .join(
                  WindowAggregates.activeDayCounts(accountActiveDates, "account_id", asOf, windows),
                  "account_id",
                  "left")
              .join(
                  WindowAggregates.eventWindows(accountEventCounts, "account_id", windows),
                  "account_id",
                  "left")
              .join(accountTraits.select("account_id", "traits"), "account_id", "left");

      List<Column> columns = new ArrayList<>();
      columns.add(lit(Date.valueOf(asOf)).as("as_of_date"));
      columns.add(col("account_id"));
      columns.add(lit(level).as("level"));
      columns.add(zeroIfNull("member_users", false));
      columns.add(zeroIfNull("total_users", false));
      columns.add(zeroIfNull("users_ever_seen", false));
      for (int w : windows) {
        columns.add(zeroIfNull(activeUsers(w), false));
      }
      columns.add(col("first_seen"));
      columns.add(col("last_seen"));
      columns.addAll(WindowAggregates.activityAndTraitColumns(asOf, windows, traitColumns));
      return joined.select(columns.toArray(Column[]::new));
    }
  }
}
