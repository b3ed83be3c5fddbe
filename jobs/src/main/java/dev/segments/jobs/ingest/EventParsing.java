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
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * From raw input rows to classified events: parsing, validation with a reason code, and duplicate
 * detection. No table is read or written here; only {@link #markDuplicates} runs a query (it caches
 * and counts the losing duplicate rows' ids).
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
   * @param rejectWithoutOffset whether a timestamp without offset or zone is rejected (else it is
   *     read as UTC, the session time zone)
   */
  public static Dataset<Row> classify(
      Dataset<Row> parsed, LocalDate runDate, int lookbackDays, boolean rejectWithoutOffset) {
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
    Column timestampText = text(p.getField("timestamp"));
    Column timestamp = timestampText.try_cast(DataTypes.TimestampType);
    // Only evaluated when asked for: a regular expression on every row.
    Column withoutOffset =
        rejectWithoutOffset ? timestampText.rlike(WITH_OFFSET).unary_$bang() : lit(false);
    Column eventDate = to_date(timestamp);
    Column day = lit(java.sql.Date.valueOf(runDate));

    Column reason =
        when(
                org.apache.spark.sql.functions.is_valid_utf8(col("raw")).unary_$bang(),
                lit(RejectReason.INVALID_UTF8.code()))
            .when(p.isNull(), lit(RejectReason.INVALID_JSON.code()))
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
            .when(withoutOffset, lit(RejectReason.TIMESTAMP_WITHOUT_OFFSET.code()))
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

  /**
   * A time of day followed by Z, a numeric offset (+02, +0200, +02:00) or a zone name (UTC,
   * Europe/Paris): the timestamps that say which instant they mean.
   */
  static final String WITH_OFFSET =
      "(?i)\\d{2}:\\d{2}(:\\d{2}([.,]\\d+)?)?\\s*(z|[+-]\\d{2}(:?\\d{2})?|[a-z][a-z0-9/_+-]*)$";

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
   * they came from ranking every row (not cached: worth caching when used more than once); {@link
   * #release} frees what marking cached, once the rows are no longer read.
   */
  public record Marked(Dataset<Row> rows, boolean everyRowRanked, Dataset<Row> cached) {
    public void release() {
      if (cached != null) {
        cached.unpersist();
      }
    }
  }

  /**
   * Marks duplicates among valid rows: the same messageId twice in the day's input (the earliest
   * timestamp wins; ties by source file, then raw text, so the winner never depends on
   * partitioning), or a messageId in {@code knownMessageIds} (one column {@code message_id}: ids
   * accepted on earlier days). Adds a boolean column {@code duplicate}; rows already rejected keep
   * {@code duplicate = false}.
   *
   * <p>Only message ids are shuffled to find the ids that occur more than once or are known; only
   * the rows with those ids are ranked, and the losers' row ids are cached on the executors and
   * joined back as a broadcast (8 bytes a loser, at most {@code limit} of them). No message id
   * reaches the driver. More than {@code limit} losers (e.g. a whole day delivered twice) falls
   * back to ranking every row. {@code classified} carries {@link #ROW_ID} ({@link #withRowIds}) and
   * is cached: it is read several times.
   */
  public static Marked markDuplicates(
      Dataset<Row> classified, Dataset<Row> knownMessageIds, int limit) {
    Column valid = col("reason").isNull();
    Dataset<Row> known = knownIds(knownMessageIds);
    Dataset<Row> candidates =
        classified
            .where(valid)
            .groupBy(col("message_id"))
            .agg(count(lit(1)).as("_rows"))
            .join(known, col("message_id").equalTo(col("known_message_id")), "left")
            .where(col("_rows").gt(1).or(col("known_message_id").isNotNull()))
            .select(
                col("message_id").as("candidate_id"),
                col("known_message_id").isNotNull().as("known"));
    Column rank =
        row_number()
            .over(
                Window.partitionBy(col("message_id"))
                    .orderBy(col("timestamp"), col("source_file"), col("raw")));
    Dataset<Row> losers =
        classified
            .where(valid)
            .join(candidates, col("message_id").equalTo(col("candidate_id")))
            .withColumn("_rank", rank)
            .where(col("known").or(col("_rank").gt(1)))
            .select(col(ROW_ID).as("_loser_id"))
            .persist(StorageLevel.MEMORY_AND_DISK());
    long loserCount = losers.count();
    if (loserCount > limit) {
      losers.unpersist();
      return new Marked(markByRankingEveryRow(classified, knownMessageIds), true, null);
    }
    if (loserCount == 0) {
      losers.unpersist();
      return new Marked(classified.withColumn("duplicate", lit(false)).drop(ROW_ID), false, null);
    }
    // The marked rows are read by several writes: each joins the cached losers again, cheaply.
    Dataset<Row> marked =
        classified
            .join(broadcast(losers), col(ROW_ID).equalTo(col("_loser_id")), "left")
            .withColumn("duplicate", col("_loser_id").isNotNull())
            .drop("_loser_id", ROW_ID);
    return new Marked(marked, false, losers);
  }

  /** The distinct ids accepted earlier, as {@code known_message_id}. */
  private static Dataset<Row> knownIds(Dataset<Row> knownMessageIds) {
    return knownMessageIds.select(col("message_id").as("known_message_id")).distinct();
  }

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
