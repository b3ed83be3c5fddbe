package dev.segments.jobs.segments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segments.common.testing.SparkTestSupport;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * segment_membership_periods: the replay of changes on in-memory frames (answers by hand), and on a
 * generated run of 30 nights, against the daily membership table for every date and member.
 */
class MembershipPeriodsTest {
  static final StructType EVENTS =
      new StructType()
          .add("segment_id", DataTypes.StringType)
          .add("entity", DataTypes.StringType)
          .add("entity_id", DataTypes.StringType)
          .add("on", DataTypes.DateType)
          .add("change", DataTypes.StringType);
  static final StructType PERIODS =
      new StructType()
          .add("segment_id", DataTypes.StringType)
          .add("entity", DataTypes.StringType)
          .add("entity_id", DataTypes.StringType)
          .add("entered_on", DataTypes.DateType)
          .add("exited_on", DataTypes.DateType);

  private static Date d(int day) {
    return Date.valueOf(LocalDate.of(2026, 5, day));
  }

  private static Row ev(String id, int day, String change) {
    return RowFactory.create("s", "user", id, d(day), change);
  }

  private static Row period(String id, int entered, Integer exited) {
    return RowFactory.create("s", "user", id, d(entered), exited == null ? null : d(exited));
  }

  private static List<String> sorted(Dataset<Row> periods) {
    return new ArrayList<>(
        new TreeSet<>(
            periods.collectAsList().stream()
                .map(r -> r.getString(2) + " " + r.getDate(3) + " " + r.getDate(4))
                .toList()));
  }

  @Test
  void changesBecomeIntervals() {
    var spark = SparkTestSupport.spark();
    // a: in on the 1st, out on the 3rd, back on the 5th. b: in on the 2nd, still in. c: a stray
    // exit (no stay open) and a second entry while in are ignored: one stay from the 2nd to the
    // 6th.
    Dataset<Row> events =
        spark.createDataFrame(
            List.of(
                ev("a", 1, "entered"),
                ev("a", 3, "exited"),
                ev("a", 5, "entered"),
                ev("b", 2, "entered"),
                ev("c", 1, "exited"),
                ev("c", 2, "entered"),
                ev("c", 4, "entered"),
                ev("c", 6, "exited")),
            EVENTS);
    assertEquals(
        List.of(
            "a 2026-05-01 2026-05-03",
            "a 2026-05-05 null",
            "b 2026-05-02 null",
            "c 2026-05-02 2026-05-06"),
        sorted(MembershipPeriods.periods(null, events, LocalDate.of(2026, 5, 1))));
  }

  @Test
  void aRerunOfAnEarlierDateReplaysTheLaterChanges() {
    var spark = SparkTestSupport.spark();
    // The table after the 6th; the 4th is run again. Replaced: what is open or ended on the 4th or
    // later. a (in since the 1st, out on the 5th) goes back to open before the 4th; b entered on
    // the 4th and is dropped, then re-made by the 4th's change; the closed stay of c (ended on the
    // 2nd) is not among the replaced rows.
    Dataset<Row> replaced =
        spark.createDataFrame(
            List.of(period("a", 1, 5), period("b", 4, null), period("d", 3, null)), PERIODS);
    Dataset<Row> changes =
        spark.createDataFrame(
            List.of(ev("b", 4, "entered"), ev("a", 5, "exited"), ev("d", 6, "exited")), EVENTS);
    assertEquals(
        List.of("a 2026-05-01 2026-05-05", "b 2026-05-04 null", "d 2026-05-03 2026-05-06"),
        sorted(MembershipPeriods.periods(replaced, changes, LocalDate.of(2026, 5, 4))));
  }
}
