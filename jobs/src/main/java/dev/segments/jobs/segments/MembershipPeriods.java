package dev.segments.jobs.segments;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import dev.segments.common.tables.TableCatalog;
import dev.segments.common.tables.TableNames;
import dev.segments.common.tables.Warehouse;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code segment_membership_periods}: membership history as intervals {@code (segment_id, entity,
 * entity_id, entered_on, exited_on)}, kept from {@code segment_changes}. After the segments stage
 * of D: the periods that were open at the end of the day before D (open now, or closed on D or
 * later) are replayed with the changes of D and of any later date, and replace the table's open
 * partition and its partitions from D on, in one commit. A nightly run reads and rewrites the open
 * periods (about one day of memberships), never the closed history.
 */
public final class MembershipPeriods {
  private MembershipPeriods() {}

  private static final String[] KEY = {"segment_id", "entity", "entity_id"};

  /**
   * Updates the table after the segments stage wrote {@code segment_changes} of {@code date}. On a
   * warehouse without the table, it is built from the history: the members of the first date {@code
   * segment_members} holds, entered on that date, and every later date's changes.
   */
  public static long update(Warehouse warehouse, LocalDate date) {
    Dataset<Row> events;
    Dataset<Row> replaced = null;
    if (warehouse.exists(TableNames.SEGMENT_MEMBERSHIP_PERIODS)) {
      replaced =
          warehouse
              .read(TableNames.SEGMENT_MEMBERSHIP_PERIODS)
              .where(col("exited_on").isNull().or(col("exited_on").geq(lit(Date.valueOf(date)))));
      events =
          changeEvents(
              warehouse
                  .read(TableNames.SEGMENT_CHANGES)
                  .where(col("as_of_date").geq(lit(Date.valueOf(date)))));
    } else {
      Optional<Dataset<Row>> history =
          history(
              warehouse.read(TableNames.SEGMENT_MEMBERS),
              warehouse.read(TableNames.SEGMENT_CHANGES));
      if (history.isEmpty()) {
        return 0;
      }
      events = history.get();
    }
    Dataset<Row> rows = periods(replaced, events, date).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return warehouse.replaceOpenAndLater(TableCatalog.SEGMENT_MEMBERSHIP_PERIODS, rows, date);
    } finally {
      rows.unpersist();
    }
  }

  /** Changes as replay events {@code (segment_id, entity, entity_id, on, change)}. */
  private static Dataset<Row> changeEvents(Dataset<Row> changes) {
    return changes.select(
        col("segment_id"),
        col("entity"),
        col("entity_id"),
        col("as_of_date").as("on"),
        col("change"));
  }

  /**
   * The whole history as replay events: the members of the first date of {@code members}, entered
   * on that date, then the changes of every later date (empty when there are no members).
   */
  private static Optional<Dataset<Row>> history(Dataset<Row> members, Dataset<Row> changes) {
    Row first = members.agg(min("as_of_date")).first();
    if (first.isNullAt(0)) {
      return Optional.empty();
    }
    Date start = first.getDate(0);
    return Optional.of(
        changeEvents(
                members
                    .where(col("as_of_date").equalTo(lit(start)))
                    .withColumn("change", lit("entered")))
            .unionByName(changeEvents(changes.where(col("as_of_date").gt(lit(start))))));
  }

  /**
   * Rebuilds one segment's periods from its history ({@code segments backfill}): its members on the
   * first date {@code segment_members} holds it, entered on that date, then its changes of every
   * later date; replaces the segment's rows in one commit. The same rows as the nightly replays
   * give, as they are the same function of the same changes.
   */
  public static long rebuildSegment(Warehouse warehouse, String segmentId) {
    if (!warehouse.exists(TableNames.SEGMENT_MEMBERSHIP_PERIODS)) {
      Row latest =
          warehouse
              .read(TableNames.SEGMENT_CHANGES)
              .agg(org.apache.spark.sql.functions.max("as_of_date"))
              .first();
      return latest.isNullAt(0) ? 0 : update(warehouse, latest.getDate(0).toLocalDate());
    }
    Optional<Dataset<Row>> history =
        history(
            warehouse.read(TableNames.SEGMENT_MEMBERS).where(col("segment_id").equalTo(segmentId)),
            warehouse.read(TableNames.SEGMENT_CHANGES).where(col("segment_id").equalTo(segmentId)));
    Dataset<Row> rows =
        history.isEmpty()
            ? warehouse.read(TableNames.SEGMENT_MEMBERSHIP_PERIODS).limit(0)
            : periods(null, history.get(), LocalDate.MIN);
    rows = rows.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return warehouse.replaceSegmentRows(
          TableCatalog.SEGMENT_MEMBERSHIP_PERIODS, rows, segmentId, java.util.List.of());
    } finally {
      rows.unpersist();
    }
  }

  /**
   * The periods from {@code date} on: {@code replaced} (the table's rows that are open or ended on
   * {@code date} or later; null when there is no table yet) taken back to the end of the day before
   * {@code date}, then the {@code events} {@code (segment_id, entity, entity_id, on, change)}
   * applied in date order. A change that repeats the previous one of its key (entered twice: a
   * segment defined again after a removal; exited with no stay open) is ignored.
   */
  static Dataset<Row> periods(Dataset<Row> replaced, Dataset<Row> events, LocalDate date) {
    Dataset<Row> all = events;
    if (replaced != null) {
      // Open at the end of the day before: every replaced row that began before the date.
      all =
          replaced
              .where(col("entered_on").lt(lit(Date.valueOf(date))))
              .select(
                  col("segment_id"),
                  col("entity"),
                  col("entity_id"),
                  col("entered_on").as("on"),
                  lit("entered").as("change"))
              .unionByName(events);
    }
    WindowSpec byKey = Window.partitionBy(KEY[0], KEY[1], KEY[2]).orderBy("on");
    Column previous = lag(col("change"), 1).over(byKey);
    Dataset<Row> alternating =
        all.withColumn("__previous", previous)
            .where(
                when(col("__previous").isNull(), col("change").equalTo("entered"))
                    .otherwise(col("__previous").notEqual(col("change"))))
            .drop("__previous");
    Column next = lead(col("change"), 1).over(byKey);
    Column nextOn = lead(col("on"), 1).over(byKey);
    return alternating
        .select(
            col("segment_id"),
            col("entity"),
            col("entity_id"),
            col("on").as("entered_on"),
            when(next.equalTo("exited"), nextOn).as("exited_on"),
            col("change"))
        .where(col("change").equalTo("entered"))
        .select("segment_id", "entity", "entity_id", "entered_on", "exited_on");
  }
}
