package dev.segments.jobs.segments;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.segments.common.UserError;
import dev.segments.common.segments.SegmentDefinition;
import dev.segments.common.tables.TableCatalog;
import dev.segments.common.tables.TableNames;
import dev.segments.jobs.pipeline.StageContext;
import dev.segments.jobs.pipeline.WithStageContext;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One segment's history from the stored daily snapshots ({@code segments backfill}): for every date
 * from A to B that the segments stage ran, in order, the segment is evaluated on that date's tables
 * as the nightly run would have, and only its rows are written: {@code segment_<id>}, and its rows
 * of {@code segment_members}, {@code segment_changes}, {@code segment_sizes} and {@code
 * segment_metrics} (each date one commit per table); then its {@code segment_membership_periods}.
 * The first run date after B is rewritten too when the segment was evaluated on it, since its
 * changes count from B's members. Other segments' rows are never touched.
 */
public final class Backfill extends WithStageContext {
  private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);

  /** What was written. */
  public record Result(String segment, List<LocalDate> dates, long members) {}

  public Backfill(StageContext context) {
    super(context);
  }

  public Result run(
      List<SegmentDefinition> definitions, String segmentId, LocalDate from, LocalDate to) {
    SegmentDefinition def =
        definitions.stream()
            .filter(d -> d.id().equals(segmentId))
            .findFirst()
            .orElseThrow(
                () ->
                    new UserError(
                        "No segment '"
                            + segmentId
                            + "' in the definitions: backfill writes the history of a segment"
                            + " defined in segments.dir (segments validate lists them)"));
    if (to.isBefore(from)) {
      throw new UserError("--to " + to + " is before --from " + from);
    }
    List<LocalDate> dates = runDates(from, to);
    if (dates.isEmpty()) {
      throw new UserError(
          "The segments stage ran on no date from "
              + from
              + " to "
              + to
              + ": backfill writes a segment's rows for the dates the nightly runs wrote (segments"
              + " status lists them)");
    }
    nextRunDateWith(segmentId, to).ifPresent(dates::add);
    List<SegmentDefinition> needed = Explainer.closureOf(List.of(def), definitions);
    SegmentsJob job = new SegmentsJob(context);
    long total = 0;
    for (LocalDate date : dates) {
      total += date(job, def, needed, date);
    }
    MembershipPeriods.rebuildSegment(warehouse, segmentId);
    LOG.info("backfill {}: {} dates, {} memberships", segmentId, dates.size(), total);
    return new Result(segmentId, dates, total);
  }

  private long date(
      SegmentsJob job, SegmentDefinition def, List<SegmentDefinition> needed, LocalDate date) {
    Date day = Date.valueOf(date);
    SegmentsEvaluator evaluator = new SegmentsEvaluator(context);
    Dataset<Row> members =
        evaluator
            .members(date, needed)
            .where(col("segment_id").equalTo(def.id()))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long count = members.count();
      Dataset<Row> defined = job.defined(List.of(def));
      Dataset<Row> previous = job.previousMembers(date, defined, members);
      Dataset<Row> changes =
          SegmentsJob.changes(members, previous, day).persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> sizes =
          SegmentsJob.sizes(defined, members, changes, day).persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> metrics = job.metrics(members, sizes, day, List.of(def));
      List<LocalDate> one = List.of(date);
      List<Runnable> writes = new ArrayList<>();
      writes.add(
          () ->
              warehouse.replaceSegmentRows(
                  TableCatalog.SEGMENT_MEMBERS,
                  members.select(
                      lit(day).as("as_of_date"),
                      col("segment_id"),
                      col("entity"),
                      col("entity_id")),
                  def.id(),
                  one));
      writes.add(
          () -> warehouse.replaceSegmentRows(TableCatalog.SEGMENT_CHANGES, changes, def.id(), one));
      writes.add(
          () -> warehouse.replaceSegmentRows(TableCatalog.SEGMENT_SIZES, sizes, def.id(), one));
      writes.add(
          () -> warehouse.replaceSegmentRows(TableCatalog.SEGMENT_METRICS, metrics, def.id(), one));
      writes.add(
          () ->
              warehouse.replaceDate(
                  TableCatalog.segment(def.id(), def.entity().idColumn()),
                  members.select(
                      lit(day).as("as_of_date"), col("entity_id").as(def.entity().idColumn())),
                  date));
      warehouse.writeConcurrently(writes);
      changes.unpersist();
      sizes.unpersist();
      LOG.info("backfill {} {}: {} members", def.id(), date, count);
      return count;
    } finally {
      members.unpersist();
      evaluator.release();
    }
  }

  /** The dates from A to B that the segments stage wrote, in order. */
  private List<LocalDate> runDates(LocalDate from, LocalDate to) {
    List<LocalDate> out = new ArrayList<>();
    if (!warehouse.exists(TableNames.SEGMENT_SIZES)) {
      return out;
    }
    for (Row r :
        warehouse
            .read(TableNames.SEGMENT_SIZES)
            .where(col("as_of_date").between(lit(Date.valueOf(from)), lit(Date.valueOf(to))))
            .select("as_of_date")
            .distinct()
            .orderBy("as_of_date")
            .collectAsList()) {
      out.add(r.getDate(0).toLocalDate());
    }
    return out;
  }

  /**
   * The first run date after B, when the segment was evaluated on it (its changes count from B).
   */
  private Optional<LocalDate> nextRunDateWith(String segmentId, LocalDate to) {
    Dataset<Row> sizes = warehouse.read(TableNames.SEGMENT_SIZES);
    Row next =
        sizes
            .where(col("as_of_date").gt(lit(Date.valueOf(to))))
            .agg(org.apache.spark.sql.functions.min("as_of_date"))
            .first();
    if (next.isNullAt(0)) {
      return Optional.empty();
    }
    Date n = next.getDate(0);
    boolean evaluated =
        !sizes
            .where(col("as_of_date").equalTo(lit(n)).and(col("segment_id").equalTo(segmentId)))
            .isEmpty();
    return evaluated ? Optional.of(n.toLocalDate()) : Optional.empty();
  }
}
