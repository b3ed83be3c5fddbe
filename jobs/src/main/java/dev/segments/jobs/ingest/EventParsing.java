package dev.segments.jobs.ingest;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.nullif;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;

import dev.segments.common.events.EventSchema;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * From raw input rows to classified events: parsing, validation with a reason code, and duplicate
 * detection. No table is read or written here; only {@link #markDuplicates} runs queries (it
 * collects the few duplicate ids and losing rows).
 *
 * <p>Shapes: input lines are {@code (source_file, raw)}; {@link #parseJson} and {@link
 * #fromParquet} give {@code (source_file, raw, parsed)}; {@link #classify} gives the event columns
 * plus {@code reason} (null for a valid row).
 */
public final class EventParsing {

  private EventParsing() {}

  /**
   * Parses NDJSON lines; a line that is not a JSON object of the event shape gets a null parsed.
   */
  public static Dataset<Row> parseJson(Dataset<Row> lines) {
    // A UTF-8 byte-order mark (files saved by Windows tools) opens the first line of its file:
    // parsed without it; the raw text is kept as it came.
    // (A prefix test, not a regular expression: this runs on every input line.)
    Column text =
        when(
                col("raw").startsWith("\uFEFF"),
                col("raw").substr(lit(2), org.apache.spark.sql.functions.length(col("raw"))))
            .otherwise(col("raw"));
    Column parsed =
        from_json(
            text,
            EventSchema.RAW_WITH_CORRUPT,
            Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", EventSchema.CORRUPT_RECORD));
    Column usable =
        when(
            parsed
                .isNotNull()
                .and(parsed.getField(EventSchema.CORRUPT_RECORD).isNull())
                // from_json reads a top-level array as its first element: not an event line.
                .and(trim(text).startsWith("{")),
            struct(
                Arrays.stream(EventSchema.RAW.fieldNames())
                    .map(f -> parsed.getField(f).as(f))
                    .toArray(Column[]::new)));
    return lines.select(col("source_file"), col("raw"), usable.as("parsed"));
  }

  /**
   * Brings Parquet input to the raw event shape. Columns are matched by name; a missing optional
   * column reads as null; every value is kept as text like the JSON path. {@code raw} is the row as
   * JSON, for events_rejected.
   */
  public static Dataset<Row> fromParquet(Dataset<Row> rows, String sourceFileColumn) {
    StructType available = rows.schema();
    Column[] fields =
        Arrays.stream(EventSchema.RAW.fields())
            .map(f -> fieldAs(available, f).as(f.name()))
            .toArray(Column[]::new);
    Column[] original =
        Arrays.stream(available.fieldNames())
            .filter(n -> !n.equals(sourceFileColumn))
            .map(n -> col("`" + n + "`"))
            .toArray(Column[]::new);
    return rows.select(
        col(sourceFileColumn).as("source_file"),
        to_json(struct(original)).as("raw"),
        struct(fields).as("parsed"));
  }

  private static Column fieldAs(StructType available, StructField wanted) {
    if (!Arrays.asList(available.fieldNames()).contains(wanted.name())) {
      return lit(null).cast(wanted.dataType());
    }
    return col("`" + wanted.name() + "`").try_cast(wanted.dataType());
  }

  private static Column text(Column c) {
    return nullif(trim(c), lit(""));
  }

  /**
   * Normalizes the parsed fields and gives each row its reject reason (null when valid).
   *
   * @param runDate the ingest date D: timestamps after D (UTC) are future, before D - lookback too
   *     late
   */
  public static Dataset<Row> classify(Dataset<Row> parsed, LocalDate runDate, int lookbackDays) {
    Column p = col("parsed");
    Column type = lower(text(p.getField("type")));
    Column traits = p.getField("traits");
    Column userId = text(p.getField("userId"));
    Column groupId =
        when(
                type.equalTo("track"),
                coalesce(
                    text(p.getField("context").getField("groupId")), text(p.getField("groupId"))))
            .when(
                type.equalTo("identify"),
                coalesce(text(p.getField("groupId")), text(try_element_at(traits, lit("groupId")))))
            .otherwise(text(p.getField("groupId")));
    Column timestamp = text(p.getField("timestamp")).try_cast(DataTypes.TimestampType);
    Column eventDate = to_date(timestamp);
    Column day = lit(java.sql.Date.valueOf(runDate));

    Column reason =
        when(p.isNull(), lit(RejectReason.INVALID_JSON.code()))
            .when(
                text(p.getField("messageId")).isNull(), lit(RejectReason.MISSING_MESSAGE_ID.code()))
            .when(
                type.isNull().or(type.isin(EventSchema.TYPES.toArray()).unary_$bang()),
                lit(RejectReason.UNKNOWN_TYPE.code()))
            .when(
                type.isin("track", "identify").and(userId.isNull()),
                lit(RejectReason.MISSING_USER_ID.code()))
            .when(
                type.equalTo("group").and(groupId.isNull()),
                lit(RejectReason.MISSING_GROUP_ID.code()))
            .when(
                type.equalTo("track").and(text(p.getField("event")).isNull()),
                lit(RejectReason.MISSING_EVENT.code()))
            .when(timestamp.isNull(), lit(RejectReason.BAD_TIMESTAMP.code()))
            .when(eventDate.gt(day), lit(RejectReason.FUTURE_TIMESTAMP.code()))
            .when(eventDate.lt(date_sub(day, lookbackDays)), lit(RejectReason.TOO_LATE.code()));

    return parsed.select(
        col("source_file"),
        col("raw"),
        text(p.getField("messageId")).as("message_id"),
        type.as("type"),
        when(type.equalTo("track"), text(p.getField("event"))).as("event"),
        userId.as("user_id"),
        groupId.as("group_id"),
        timestamp.as("timestamp"),
        eventDate.as("event_date"),
        p.getField("properties").as("properties"),
        traits.as("traits"),
        reason.as("reason"));
  }

  /** A column of row ids that {@link #markDuplicates} needs on the classified rows. */
  public static final String ROW_ID = "_row_id";

  /**
   * Gives each classified row an id for {@link #markDuplicates}. Cache the result before marking:
   * the marks refer to these ids, which are only fixed once computed.
   */
  public static Dataset<Row> withRowIds(Dataset<Row> classified) {
    return classified.withColumn(ROW_ID, monotonically_increasing_id());
  }

  /**
   * The classified rows with a boolean column {@code duplicate}; {@code everyRowRanked} tells that
   * they came from ranking every row (not cached: worth caching when used more than once).
   */
  public record Marked(Dataset<Row> rows, boolean everyRowRanked) {}

  /**
   * Marks duplicates among valid rows: the same messageId twice in the day's input (the earliest
   * timestamp wins; ties by source file, then raw text, so the winner never depends on
   * partitioning), or a messageId in {@code knownMessageIds} (one column {@code message_id}: ids
   * accepted on earlier days). Adds a boolean column {@code duplicate}; rows already rejected keep
   * {@code duplicate = false}.
   *
   * <p>Only message ids are shuffled to find the ids that occur more than once or are known; only
   * the rows with those ids are ranked, and the losers' row ids (up to {@code limit}) are broadcast
   * back. More than {@code limit} such ids or losers (e.g. a whole day's input sent twice) falls
   * back to ranking every row. {@code classified} carries {@link #ROW_ID} ({@link #withRowIds}) and
   * is cached: it is read several times.
   */
  public static Marked markDuplicates(
      Dataset<Row> classified, Dataset<Row> knownMessageIds, int limit) {
    SparkSession spark = classified.sparkSession();
    Column valid = col("reason").isNull();
    Dataset<Row> known = knownIds(knownMessageIds);
    List<Row> candidates =
        classified
            .where(valid)
            .groupBy(col("message_id"))
            .agg(count(lit(1)).as("_rows"))
            .join(known, col("message_id").equalTo(col("known_message_id")), "left")
            .where(col("_rows").gt(1).or(col("known_message_id").isNotNull()))
            .select(
                col("message_id").as("candidate_id"),
                col("known_message_id").isNotNull().as("known"))
            .limit(limit + 1)
            .collectAsList();
    if (candidates.size() > limit) {
      return new Marked(markByRankingEveryRow(classified, knownMessageIds), true);
    }
    Dataset<Row> marked = classified.withColumn("duplicate", lit(false));
    if (!candidates.isEmpty()) {
      Dataset<Row> candidateIds = spark.createDataFrame(candidates, CANDIDATES);
      Column rank =
          row_number()
              .over(
                  Window.partitionBy(col("message_id"))
                      .orderBy(col("timestamp"), col("source_file"), col("raw")));
      List<Row> losers =
          classified
              .join(
                  broadcast(candidateIds),
                  valid.and(col("message_id").equalTo(col("candidate_id"))))
              .withColumn("_rank", rank)
              .where(col("known").or(col("_rank").gt(1)))
              .select(col(ROW_ID))
              .limit(limit + 1)
              .collectAsList();
      if (losers.size() > limit) {
        return new Marked(markByRankingEveryRow(classified, knownMessageIds), true);
      }
      if (!losers.isEmpty()) {
        Dataset<Row> loserIds =
            spark.createDataFrame(
                losers, new StructType().add("_loser_id", DataTypes.LongType, false));
        marked =
            classified
                .join(broadcast(loserIds), col(ROW_ID).equalTo(col("_loser_id")), "left")
                .withColumn("duplicate", col("_loser_id").isNotNull())
                .drop("_loser_id");
      }
    }
    return new Marked(marked.drop(ROW_ID), false);
  }

  /** The distinct ids accepted earlier, as {@code known_message_id}. */
  private static Dataset<Row> knownIds(Dataset<Row> knownMessageIds) {
    return knownMessageIds.select(col("message_id").as("known_message_id")).distinct();
  }

  private static final StructType CANDIDATES =
      new StructType()
          .add("candidate_id", DataTypes.StringType)
          .add("known", DataTypes.BooleanType, false);

  /**
   * The same marks as {@link #markDuplicates}, ranking every row among the rows of its messageId.
   */
  static Dataset<Row> markByRankingEveryRow(Dataset<Row> classified, Dataset<Row> knownMessageIds) {
    Column valid = col("reason").isNull();
    Column rank =
        row_number()
            .over(
                Window.partitionBy(col("message_id"), valid)
                    .orderBy(col("timestamp"), col("source_file"), col("raw")));
    Dataset<Row> known = knownIds(knownMessageIds);
    Dataset<Row> joined =
        classified
            .withColumn("_rank", rank)
            .join(known, col("message_id").equalTo(col("known_message_id")), "left");
    Column duplicate = valid.and(col("_rank").gt(1).or(col("known_message_id").isNotNull()));
    return joined.withColumn("duplicate", duplicate).drop("_rank", "known_message_id", ROW_ID);
  }
}
