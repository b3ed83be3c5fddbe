package dev.segments.jobs.segments;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.segments.common.config.Settings;
import dev.segments.common.segments.SegmentDefinition;
import dev.segments.common.segments.SegmentLoader;
import dev.segments.common.tables.TableCatalog;
import dev.segments.common.tables.TableNames;
import dev.segments.jobs.pipeline.StageContext;
import dev.segments.jobs.pipeline.StageSummary;
import dev.segments.jobs.pipeline.WithStageContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segments stage for one day D: evaluates every segment (standard, suggested, custom) and
 * writes {@code segment_<id>} per segment, {@code segment_members} (all memberships, long form),
 * {@code segment_changes} (entered / exited against the previous run date), {@code segment_sizes},
 * {@code segment_metrics} (the members' scores per workspace) and {@code segment_definitions}. A
 * rerun of D replaces D's rows.
 */
public final class SegmentsJob extends WithStageContext {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentsJob.class);

  static final StructType DEFINITIONS_SCHEMA =
      new StructType()
          .add("segment_id", DataTypes.StringType, false)
          .add("name", DataTypes.StringType, true)
          .add("description", DataTypes.StringType, true)
          .add("entity", DataTypes.StringType, false)
          .add("kind", DataTypes.StringType, false)
          .add("workspace", DataTypes.StringType, true)
          .add("definition", DataTypes.StringType, false)
          .add("hash", DataTypes.StringType, false)
          .add("source", DataTypes.StringType, true)
          .add("first_defined", DataTypes.DateType, false)
          .add("last_changed", DataTypes.DateType, false)
          .add("active", DataTypes.BooleanType, false);

  public SegmentsJob(StageContext context) {
    super(context);
  }

  /** Sizes of the day, for the console. */
  public record SegmentsSummary(
      LocalDate asOf, int segments, long memberships, long entered, long exited)
      implements StageSummary {
    @Override
    public String render() {
      return String.format(
          "segments %s: %d segments, %,d memberships, %,d entered, %,d exited%n",
          asOf, segments, memberships, entered, exited);
    }
  }

  /** Loads and validates the definitions; throws naming every problem. */
  public static List<SegmentDefinition> definitions(Settings settings) {
    SegmentLoader.Result r = SegmentLoader.load(Path.of(settings.segmentsDir()), settings);
    if (!r.ok()) {
      throw new InvalidSegmentsException(r.errors());
    }
    r.warnings().forEach(w -> LOG.warn("{}", w));
    return r.segments();
  }

  public SegmentsSummary run(LocalDate date) {
    List<SegmentDefinition> defs = definitions(settings);
    Date day = Date.valueOf(date);
    SegmentsEvaluator job = new SegmentsEvaluator(context);
    long began = System.nanoTime();
    Dataset<Row> members = job.members(date, defs).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long memberships = members.count();
      // The compute of every segment, before any write (scripts/bench.sh reads these lines).
      LOG.info(
          "segments {}: {} segments' memberships computed in {} ms",
          date,
          defs.size(),
          (System.nanoTime() - began) / 1_000_000);
      Dataset<Row> defined = defined(defs);
      Dataset<Row> previous = previousMembers(date, defined, members);
      Dataset<Row> changes =
          changes(members, previous, day).persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> sizes =
          sizes(defined, members, changes, day).persist(StorageLevel.MEMORY_AND_DISK());
      Row totals = sizes.agg(sum("entered"), sum("exited")).first();
      Dataset<Row> definitions =
          spark.createDataFrame(definitionRows(defs, date), DEFINITIONS_SCHEMA);

      List<Runnable> writes = new ArrayList<>();
      writes.add(
          () ->
              warehouse.replaceDate(
                  TableCatalog.SEGMENT_MEMBERS,
                  members.select(
                      lit(day).as("as_of_date"),
                      col("segment_id"),
                      col("entity"),
                      col("entity_id")),
                  date));
      writes.add(() -> warehouse.replaceDate(TableCatalog.SEGMENT_CHANGES, changes, date));
      writes.add(() -> warehouse.replaceDate(TableCatalog.SEGMENT_SIZES, sizes, date));
      Dataset<Row> metrics = metrics(members, sizes, day, defs);
      writes.add(() -> warehouse.replaceDate(TableCatalog.SEGMENT_METRICS, metrics, date));
      writes.add(() -> warehouse.overwrite(TableCatalog.SEGMENT_DEFINITIONS, definitions));
      warehouse.writeConcurrently(writes);
      // The intervals, from the changes just written (and a later date's, on a rerun).
      MembershipPeriods.update(warehouse, date);
      // One table per segment, read back from segment_members (a plain partition scan: small
      // tasks, and the same rows as the long table by construction).
      Dataset<Row> written =
          warehouse.read(TableNames.SEGMENT_MEMBERS).where(col("as_of_date").equalTo(lit(day)));
      List<Runnable> perSegment = new ArrayList<>();
      for (SegmentDefinition d : defs) {
        perSegment.add(
            () ->
                warehouse.replaceDate(
                    TableCatalog.segment(d.id(), d.entity().idColumn()),
                    written
                        .where(col("segment_id").equalTo(d.id()))
                        .select(col("as_of_date"), col("entity_id").as(d.entity().idColumn())),
                    date));
      }
      long writesBegan = System.nanoTime();
      warehouse.writeConcurrently(perSegment);
      LOG.info(
          "segments {}: {} membership tables written in {} ms",
          date,
          perSegment.size(),
          (System.nanoTime() - writesBegan) / 1_000_000);
      SegmentsSummary summary =
          new SegmentsSummary(
              date,
              defs.size(),
              memberships,
              totals.isNullAt(0) ? 0 : totals.getLong(0),
              totals.isNullAt(1) ? 0 : totals.getLong(1));
      changes.unpersist();
      sizes.unpersist();
      return summary;
    } finally {
      // Dependents first: uncaching a plan that a cached plan uses makes Spark rebuild the latter.
      members.unpersist();
      job.release();
    }
  }

  /**
   * segment_changes rows of the day: who entered ({@code members} of the day, not in {@code
   * previous}) or exited, both {@code (segment_id, entity, entity_id)}.
   */
  static Dataset<Row> changes(Dataset<Row> members, Dataset<Row> previous, Date day) {
    Dataset<Row> today = members.withColumn("__today", lit(true));
    Dataset<Row> before = previous.withColumn("__before", lit(true));
    return today
        .join(before, new String[] {"segment_id", "entity", "entity_id"}, "full_outer")
        .where(col("__today").isNull().or(col("__before").isNull()))
        .select(
            lit(day).as("as_of_date"),
            col("segment_id"),
            col("entity"),
            col("entity_id"),
            when(col("__today").isNotNull(), lit("entered")).otherwise(lit("exited")).as("change"));
  }

  /**
   * segment_sizes rows of the day: one per defined {@code (segment_id, entity)}, zeros included.
   */
  static Dataset<Row> sizes(
      Dataset<Row> defined, Dataset<Row> members, Dataset<Row> changes, Date day) {
    Dataset<Row> counts = members.groupBy("segment_id").agg(count(lit(1)).as("members"));
    Dataset<Row> moves =
        changes
            .groupBy("segment_id")
            .agg(
                sum(when(col("change").equalTo("entered"), lit(1L)).otherwise(lit(0L)))
                    .as("entered"),
                sum(when(col("change").equalTo("exited"), lit(1L)).otherwise(lit(0L)))
                    .as("exited"));
    return defined
        .join(counts, "segment_id", "left")
        .join(moves, "segment_id", "left")
        .select(
            lit(day).as("as_of_date"),
            col("segment_id"),
            col("entity"),
            coalesce(col("members"), lit(0L)).as("members"),
            coalesce(col("entered"), lit(0L)).as("entered"),
            coalesce(col("exited"), lit(0L)).as("exited"));
  }

  /** The segments {@code (segment_id, entity)} evaluated on a date, as a frame. */
  Dataset<Row> defined(List<SegmentDefinition> defs) {
    return spark.createDataFrame(
        defs.stream().map(d -> RowFactory.create(d.id(), d.entity().key)).toList(),
        new StructType()
            .add("segment_id", DataTypes.StringType, false)
            .add("entity", DataTypes.StringType, false));
  }

  /**
   * The stored members {@code (segment_id, entity, entity_id)} of the {@code defined} segments on
   * the latest run date before D (none when D is the first), the side D's changes count from.
   */
  Dataset<Row> previousMembers(LocalDate date, Dataset<Row> defined, Dataset<Row> members) {
    Optional<LocalDate> previousDate = previousRunDate(date);
    return previousDate.isEmpty()
        ? members.limit(0)
        : warehouse
            .read(TableNames.SEGMENT_MEMBERS)
            .where(col("as_of_date").equalTo(lit(Date.valueOf(previousDate.get()))))
            .select("segment_id", "entity", "entity_id")
            .join(defined.select("segment_id"), "segment_id");
  }

  /** segment_metrics rows of the day for the members and sizes given. */
  Dataset<Row> metrics(
      Dataset<Row> members, Dataset<Row> sizes, Date day, List<SegmentDefinition> defs) {
    java.util.Map<String, String> levels = new java.util.HashMap<>();
    defs.forEach(d -> levels.put(d.id(), d.level().key));
    return SegmentMetrics.of(
        spark,
        members,
        levels,
        sizes,
        scoresOf(TableNames.USER_SCORES, day),
        scoresOf(TableNames.ACCOUNT_SCORES, day),
        settings.scoring().workspaces().stream()
            .map(dev.segments.common.config.Workspace::name)
            .toList(),
        day);
  }

  /** A scores table's rows of the day (the evaluator has checked that the day was scored). */
  private Dataset<Row> scoresOf(String table, Date day) {
    return warehouse.read(table).where(col("as_of_date").equalTo(lit(day)));
  }

  /** The latest date before D that the segments stage wrote. */
  private Optional<LocalDate> previousRunDate(LocalDate date) {
    if (!warehouse.exists(TableNames.SEGMENT_SIZES)) {
      return Optional.empty();
    }
    Row r =
        warehouse
            .read(TableNames.SEGMENT_SIZES)
            .where(col("as_of_date").lt(lit(Date.valueOf(date))))
            .agg(max("as_of_date"))
            .first();
    return r.isNullAt(0) ? Optional.empty() : Optional.of(r.getDate(0).toLocalDate());
  }

  /**
   * segment_definitions after D: current definitions (first defined and last changed carried over
   * while the hash is the same) and earlier ones no longer configured ({@code active} false).
   */
  private List<Row> definitionRows(List<SegmentDefinition> defs, LocalDate date) {
    Map<String, Row> old = new HashMap<>();
    if (warehouse.exists(TableNames.SEGMENT_DEFINITIONS)) {
      for (Row r : warehouse.read(TableNames.SEGMENT_DEFINITIONS).collectAsList()) {
        old.put(r.getAs("segment_id"), r);
      }
    }
    Date day = Date.valueOf(date);
    List<Row> rows = new ArrayList<>();
    java.util.Set<String> current = new java.util.HashSet<>();
    for (SegmentDefinition d : defs) {
      current.add(d.id());
      String hash = sha256(d.definitionJson());
      Row before = old.get(d.id());
      Date first = before == null ? day : min(before.getAs("first_defined"), day);
      Date changed =
          before == null
              ? day
              : hash.equals(before.getAs("hash")) ? before.getAs("last_changed") : day;
      rows.add(
          RowFactory.create(
              d.id(),
              d.name(),
              d.description(),
              d.entity().key,
              d.kind().name().toLowerCase(),
              d.workspace(),
              d.definitionJson(),
              hash,
              d.source(),
              first,
              changed,
              true));
    }
    for (Row r : old.values()) {
      if (!current.contains(r.<String>getAs("segment_id"))) {
        // The stored row as it was, no longer active (by name: the stored column order may differ).
        Object[] v = new Object[DEFINITIONS_SCHEMA.size()];
        for (String column : DEFINITIONS_SCHEMA.fieldNames()) {
          v[DEFINITIONS_SCHEMA.fieldIndex(column)] =
              column.equals("active") ? Boolean.FALSE : r.getAs(column);
        }
        rows.add(RowFactory.create(v));
      }
    }
    int id = DEFINITIONS_SCHEMA.fieldIndex("segment_id");
    rows.sort((a, b) -> a.getString(id).compareTo(b.getString(id)));
    return rows;
  }

  private static Date min(Date a, Date b) {
    return a.before(b) ? a : b;
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
