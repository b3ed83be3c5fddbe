package dev.segments.common.events;

import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createMapType;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The raw event shape (track / identify / group calls) as read from input, before validation. Every
 * leaf is text: a value of the wrong JSON type (a number where a string belongs) is kept as its
 * text and judged by ingest, not lost by the parser. Nested objects inside {@code properties} and
 * {@code traits} are kept as their JSON text.
 */
public final class EventSchema {

  /** The event types ingest accepts. */
  public static final List<String> TYPES = List.of("track", "identify", "group");

  /** Column that receives the raw text of a line JSON cannot parse. */
  public static final String CORRUPT_RECORD = "_corrupt_record";

  public static final StructType RAW =
      new StructType()
          .add("type", StringType)
          .add("messageId", StringType)
          .add("timestamp", StringType)
          .add("userId", StringType)
          .add("groupId", StringType)
          .add("event", StringType)
          .add("properties", createMapType(StringType, StringType))
          .add("traits", createMapType(StringType, StringType))
          .add("context", new StructType().add("groupId", StringType));

  /** {@link #RAW} plus the corrupt-record column, for parsing JSON lines. */
  public static final StructType RAW_WITH_CORRUPT = RAW.add(CORRUPT_RECORD, DataTypes.StringType);

  private EventSchema() {}
}
