package dev.segments.jobs.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segments.common.testing.SparkTestSupport;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The daily rollup of several days at once attributes each day's rows to that day's account. */
class DailyRollupTest {

  private static final StructType EVENTS =
      new StructType()
          .add("user_id", DataTypes.StringType)
          .add("event", DataTypes.StringType)
          .add("timestamp", DataTypes.TimestampType)
          .add("event_date", DataTypes.DateType)
          .add("ingest_date", DataTypes.DateType);
  private static final StructType MEMBERSHIPS =
      new StructType()
          .add("user_id", DataTypes.StringType)
          .add("account_id", DataTypes.StringType)
          .add("assigned_at", DataTypes.TimestampType)
          .add("message_id", DataTypes.StringType);

  private static Row event(String user, String event, String at) {
    Timestamp ts = Timestamp.valueOf(at);
    Date day = Date.valueOf(ts.toLocalDateTime().toLocalDate());
    return RowFactory.create(user, event, ts, day, day);
  }

  /** An event that came in the input of a later day. */
  private static Row late(String user, String event, String at, String ingested) {
    Timestamp ts = Timestamp.valueOf(at);
    return RowFactory.create(
        user, event, ts, Date.valueOf(ts.toLocalDateTime().toLocalDate()), Date.valueOf(ingested));
  }

  private static Row assigned(String user, String account, String at, String messageId) {
    return RowFactory.create(user, account, Timestamp.valueOf(at), messageId);
  }

  @Test
  void eachDayGetsTheAccountOfThatDay() {
    var spark = SparkTestSupport.spark();
    Dataset<Row> events =
        spark.createDataFrame(
            List.of(
                // u1 moves from A to B on the 3rd; two assignments on the 3rd, the later one (B)
                // wins.
                event("u1", "login", "2026-03-01 09:00:00"),
                event("u1", "login", "2026-03-01 17:00:00"),
                event("u1", "report_viewed", "2026-03-02 10:00:00"),
                event("u1", "login", "2026-03-03 08:00:00"),
                event("u1", "login", "2026-03-04 08:00:00"),
                // u2 is never assigned; u3 only from the 2nd (nothing on the 1st).
                event("u2", "login", "2026-03-02 12:00:00"),
                event("u3", "login", "2026-03-01 12:00:00"),
                event("u3", "login", "2026-03-02 12:00:00"),
                // u4: two assignments at the same instant, the larger message id (m9 over m10)
                // wins.
                event("u4", "login", "2026-03-04 12:00:00")),
            EVENTS);
    Dataset<Row> memberships =
        spark.createDataFrame(
            List.of(
                assigned("u1", "A", "2026-02-20 00:00:00", "m1"),
                assigned("u1", "C", "2026-03-03 06:00:00", "m2"),
                assigned("u1", "B", "2026-03-03 23:00:00", "m3"),
                assigned("u3", "D", "2026-03-02 00:30:00", "m4"),
                assigned("u4", "E", "2026-03-01 00:00:00", "m10"),
                assigned("u4", "F", "2026-03-01 00:00:00", "m9"),
                // An assignment after every event changes nothing.
                assigned("u1", "Z", "2026-03-05 00:00:00", "m5")),
            MEMBERSHIPS);

    Map<String, String> got = new TreeMap<>();
    for (Row r : DailyRollup.userDailyActivity(events, memberships).collectAsList()) {
      got.put(
          r.getDate(0) + " " + r.getString(1) + " " + r.getString(3),
          r.get(2)
              + " "
              + r.getLong(4)
              + " "
              + r.getTimestamp(5).toLocalDateTime().toLocalTime()
              + "-"
              + r.getTimestamp(6).toLocalDateTime().toLocalTime());
    }
    Map<String, String> expected =
        new TreeMap<>(
            Map.of(
                "2026-03-01 u1 login", "A 2 09:00-17:00",
                "2026-03-02 u1 report_viewed", "A 1 10:00-10:00",
                // The 3rd: both C (06:00) and B (23:00) were assigned that day; B is the later.
                "2026-03-03 u1 login", "B 1 08:00-08:00",
                "2026-03-04 u1 login", "B 1 08:00-08:00",
                "2026-03-02 u2 login", "null 1 12:00-12:00",
                "2026-03-01 u3 login", "null 1 12:00-12:00",
                "2026-03-02 u3 login", "D 1 12:00-12:00",
                "2026-03-04 u4 login", "F 1 12:00-12:00"));
    assertEquals(expected, got);
  }

  @Test
  void theSameRowsAsOneDayAtATime() {
    var spark = SparkTestSupport.spark();
    Dataset<Row> events =
        spark.createDataFrame(
            List.of(
                event("u1", "login", "2026-03-01 09:00:00"),
                event("u1", "login", "2026-03-02 09:00:00"),
                event("u2", "login", "2026-03-02 09:00:00")),
            EVENTS);
    Dataset<Row> memberships =
        spark.createDataFrame(
            List.of(
                assigned("u1", "A", "2026-03-01 00:00:00", "m1"),
                assigned("u1", "B", "2026-03-02 00:00:00", "m2"),
                assigned("u2", "B", "2026-03-01 00:00:00", "m3")),
            MEMBERSHIPS);
    var both = DailyRollup.userDailyActivity(events, memberships);
    var one =
        DailyRollup.userDailyActivity(events.where("event_date = DATE'2026-03-01'"), memberships)
            .unionByName(
                DailyRollup.userDailyActivity(
                    events.where("event_date = DATE'2026-03-02'"), memberships));
    assertEquals(3, both.count());
    assertEquals(0, both.exceptAll(one).count());
    assertEquals(0, one.exceptAll(both).count());
  }

  @Test
  void lateEventsAreRowsOfTheirOwnSoThatADateReadsWhatItKnew() {
    var spark = SparkTestSupport.spark();
    // u1 logs in twice on the 1st; one of them arrives with the 2nd's input.
    Dataset<Row> events =
        spark.createDataFrame(
            List.of(
                event("u1", "login", "2026-03-01 09:00:00"),
                late("u1", "login", "2026-03-01 21:00:00", "2026-03-02")),
            EVENTS);
    Dataset<Row> memberships =
        spark.createDataFrame(
            List.of(assigned("u1", "A", "2026-03-01 00:00:00", "m1")), MEMBERSHIPS);
    Dataset<Row> rollup = DailyRollup.userDailyActivity(events, memberships).cache();
    assertEquals(2, rollup.count());
    // On the 1st one login was known; on the 2nd both.
    assertEquals(
        1L,
        rollup
            .where(DailyRollup.knownOn(java.time.LocalDate.of(2026, 3, 1)))
            .agg(org.apache.spark.sql.functions.sum("event_count"))
            .first()
            .getLong(0));
    assertEquals(
        2L,
        rollup
            .where(DailyRollup.knownOn(java.time.LocalDate.of(2026, 3, 2)))
            .agg(org.apache.spark.sql.functions.sum("event_count"))
            .first()
            .getLong(0));
    rollup.unpersist();
  }
}
