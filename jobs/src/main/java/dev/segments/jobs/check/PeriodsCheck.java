package dev.segments.jobs.check;

import static org.apache.spark.sql.functions.col;

import dev.segments.common.tables.TableNames;
import dev.segments.common.tables.Warehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Checks {@code segment_membership_periods} against the daily memberships: for every date the
 * segments stage wrote, the stays that cover it ({@code entered_on <= T AND (exited_on IS NULL OR
 * exited_on > T)}) must be exactly that date's {@code segment_members} rows.
 */
public final class PeriodsCheck {
  private PeriodsCheck() {}

  /**
   * The outcome: memberships compared (every date), those missing from the periods, and those the
   * periods give beyond the members; dates and closed stays, so that a pass is not vacuous.
   */
  public record Result(long memberships, long missing, long extra, long dates, long closedStays) {
    public boolean agrees() {
      return missing == 0 && extra == 0;
    }

    public String render() {
      return String.format(
          "segment_membership_periods against segment_members: %d dates, %,d memberships, %,d"
              + " closed stays; missing from the periods %,d, beyond the members %,d: %s",
          dates, memberships, closedStays, missing, extra, agrees() ? "agree" : "DIFFER");
    }
  }

  public static Result check(Warehouse warehouse) {
    Dataset<Row> members =
        warehouse
            .read(TableNames.SEGMENT_MEMBERS)
            .select("as_of_date", "segment_id", "entity", "entity_id")
            .cache();
    Dataset<Row> periods = warehouse.read(TableNames.SEGMENT_MEMBERSHIP_PERIODS).cache();
    try {
      Dataset<Row> dates = members.select("as_of_date").distinct();
      Dataset<Row> covered =
          periods
              .join(
                  dates,
                  col("entered_on")
                      .leq(col("as_of_date"))
                      .and(col("exited_on").isNull().or(col("exited_on").gt(col("as_of_date")))))
              .select("as_of_date", "segment_id", "entity", "entity_id");
      return new Result(
          members.count(),
          members.exceptAll(covered).count(),
          covered.exceptAll(members).count(),
          dates.count(),
          periods.where(col("exited_on").isNotNull()).count());
    } finally {
      members.unpersist();
      periods.unpersist();
    }
  }
}
