package dev.segments.jobs.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segments.common.testing.SparkTestSupport;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Account window counts built from per-user inputs (one pass over the rollup), on hand-made rows.
 * On 2026-03-10 the 1-day window is 03-10, the 3-day window 03-08..03-10 and the 5-day window
 * (total_users) 03-06..03-10.
 */
class WindowAggregatesTest {
  private static final LocalDate AS_OF = LocalDate.parse("2026-03-10");
  private static final StructType DATES =
      new StructType()
          .add("user_id", DataTypes.StringType)
          .add("activity_date", DataTypes.DateType);
  private static final StructType MEMBERS =
      new StructType().add("user_id", DataTypes.StringType).add("account_id", DataTypes.StringType);

  private static Row active(String user, String date) {
    return RowFactory.create(user, Date.valueOf(date));
  }

  @Test
  void activeUsersCountEachMemberByTheLastActiveDate() {
    var spark = SparkTestSupport.spark();
    Dataset<Row> dates =
        spark.createDataFrame(
            List.of(
                active("u1", "2026-03-02"),
                active("u1", "2026-03-10"), // A: in all three windows
                active("u2", "2026-03-08"), // A: 3-day and 5-day
                active("u3", "2026-03-05"),
                active("u3", "2026-03-06"), // A: 5-day only (03-06)
                active("u4", "2026-03-01"), // B: in no window
                active("u5", "2026-03-10")),
            DATES); // no account: counted nowhere
    Dataset<Row> members =
        spark.createDataFrame(
            List.of(
                RowFactory.create("u1", "A"),
                RowFactory.create("u2", "A"),
                RowFactory.create("u3", "A"),
                RowFactory.create("u4", "B"),
                RowFactory.create("u6", "B")),
            MEMBERS);

    Map<String, List<Long>> byAccount = new TreeMap<>();
    for (Row r :
        WindowAggregates.activeUserCounts(dates, members, AS_OF, List.of(1, 3), 5)
            .collectAsList()) {
      byAccount.put(
          r.getString(r.fieldIndex("account_id")),
          List.of(
              r.getLong(r.fieldIndex("total_users")),
              r.getLong(r.fieldIndex("active_users_1d")),
              r.getLong(r.fieldIndex("active_users_3d"))));
    }
    // u6 has no activity: B appears through u4 only, with zeros.
    assertEquals(Map.of("A", List.of(3L, 1L, 2L), "B", List.of(0L, 0L, 0L)), byAccount);
  }

  @Test
  void activeDaysCountDistinctDatesPerId() {
    var spark = SparkTestSupport.spark();
    // An account's dates: its members' dates, distinct (03-09 twice counts once).
    Dataset<Row> accountDates =
        spark
            .createDataFrame(
                List.of(
                    active("u1", "2026-03-09"),
                    active("u2", "2026-03-09"),
                    active("u1", "2026-03-10"),
                    active("u2", "2026-03-04")),
                DATES)
            .join(
                spark.createDataFrame(
                    List.of(RowFactory.create("u1", "A"), RowFactory.create("u2", "A")), MEMBERS),
                "user_id")
            .select("account_id", "activity_date")
            .distinct();
    Row a =
        WindowAggregates.activeDayCounts(accountDates, "account_id", AS_OF, List.of(1, 3, 7))
            .first();
    assertEquals(
        List.of(1L, 2L, 3L),
        List.of(
            a.getLong(a.fieldIndex("active_days_1d")),
            a.getLong(a.fieldIndex("active_days_3d")),
            a.getLong(a.fieldIndex("active_days_7d"))));
  }
}
