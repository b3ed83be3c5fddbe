package dev.segments.jobs.ingest;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_concat;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.map_keys;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;

import dev.segments.common.config.TraitColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;

/**
 * Latest-value trait tables (user_traits from identify, account_traits from group calls).
 *
 * <p>Rules: within one day's calls the latest value of each key wins (by timestamp, then
 * messageId). Against the stored row: when the day's latest call is at least as recent as the
 * stored {@code last_identified_at}, the day's keys override; otherwise (a late call) only keys the
 * stored row lacks are added. A rerun of the same day therefore changes nothing.
 */
public final class Traits {
  private static final MapType TEXT_MAP =
      DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);

  private Traits() {}

  /**
   * One row per id from the day's calls {@code (id, traits, timestamp, message_id)}: the latest
   * value per key, first and last call time.
   */
  public static Dataset<Row> latest(Dataset<Row> calls, String idColumn) {
    Dataset<Row> perKey =
        calls
            .select(
                col(idColumn),
                explode(col("traits")).as(new String[] {"key", "value"}),
                col("timestamp"),
                col("message_id"))
            .groupBy(col(idColumn), col("key"))
            .agg(max_by(col("value"), struct(col("timestamp"), col("message_id"))).as("value"));
    Dataset<Row> maps =
        perKey
            .groupBy(col(idColumn))
            .agg(
                map_from_entries(array_sort(collect_list(struct(col("key"), col("value")))))
                    .as("traits"));
    Dataset<Row> times =
        calls
            .groupBy(col(idColumn))
            .agg(
                min(col("timestamp")).as("first_identified_at"),
                max(col("timestamp")).as("last_identified_at"));
    return times
        .join(maps, idColumn, "left")
        .select(
            col(idColumn),
            coalesce(col("traits"), emptyMap()).as("traits"),
            col("first_identified_at"),
            col("last_identified_at"));
  }

  /** The stored table merged with the day's {@link #latest} rows, typed columns derived anew. */
  public static Dataset<Row> merge(
      Optional<Dataset<Row>> stored, Dataset<Row> day, String idColumn, List<TraitColumn> typed) {
    Dataset<Row> merged;
    if (stored.isEmpty()) {
      merged = day;
    } else {
      Dataset<Row> t =
          stored
              .get()
              .select(
                  col(idColumn).as("t_id"), col("traits").as("t_traits"),
                  col("first_identified_at").as("t_first"), col("last_identified_at").as("t_last"));
      Dataset<Row> s =
          day.select(
              col(idColumn).as("s_id"), col("traits").as("s_traits"),
              col("first_identified_at").as("s_first"), col("last_identified_at").as("s_last"));
      Column traits =
          when(col("s_id").isNull(), col("t_traits"))
              .when(col("t_id").isNull(), col("s_traits"))
              .when(col("s_last").geq(col("t_last")), overlay(col("t_traits"), col("s_traits")))
              .otherwise(overlay(col("s_traits"), col("t_traits")));
      merged =
          t.join(s, col("t_id").equalTo(col("s_id")), "full_outer")
              .select(
                  coalesce(col("t_id"), col("s_id")).as(idColumn),
                  traits.as("traits"),
                  least(col("t_first"), col("s_first")).as("first_identified_at"),
                  greatest(col("t_last"), col("s_last")).as("last_identified_at"));
    }
    return withTypedColumns(merged, idColumn, typed);
  }

  /**
   * Each id's row of a trait history table as it stood on {@code date}: the row of the greatest
   * {@code ingest_date <= date}, with the typed columns derived anew from its text map (so a trait
   * configured since, or configured with another type, reads as it would have been stored).
   */
  public static Dataset<Row> asOf(
      Dataset<Row> history, String idColumn, java.time.LocalDate date, List<TraitColumn> typed) {
    Column newest =
        org.apache
            .spark
            .sql
            .functions
            .row_number()
            .over(
                org.apache.spark.sql.expressions.Window.partitionBy(col(idColumn))
                    .orderBy(col("ingest_date").desc()));
    Dataset<Row> rows =
        history
            .where(col("ingest_date").leq(lit(java.sql.Date.valueOf(date))))
            .select(
                col(idColumn),
                col("traits"),
                col("first_identified_at"),
                col("last_identified_at"),
                newest.as("_newest"))
            .where(col("_newest").equalTo(1))
            .drop("_newest");
    return withTypedColumns(rows, idColumn, typed);
  }

  /** {@code base} with every key of {@code top} set to top's value. */
  private static Column overlay(Column base, Column top) {
    return map_concat(
        map_filter(base, (k, v) -> array_contains(map_keys(top), k).unary_$bang()), top);
  }

  private static Dataset<Row> withTypedColumns(
      Dataset<Row> rows, String idColumn, List<TraitColumn> typed) {
    List<Column> columns = new ArrayList<>();
    columns.add(col(idColumn));
    for (TraitColumn t : typed) {
      columns.add(typedValue(col("traits"), t).as(t.column()));
    }
    columns.add(col("traits"));
    columns.add(col("first_identified_at"));
    columns.add(col("last_identified_at"));
    return rows.select(columns.toArray(Column[]::new));
  }

  /** A trait's value cast to its configured type; null when absent or not castable. */
  public static Column typedValue(Column traitsMap, TraitColumn trait) {
    return try_element_at(traitsMap, lit(trait.traitName())).try_cast(trait.type().sparkType());
  }

  public static Column emptyMap() {
    return org.apache.spark.sql.functions.map().cast(TEXT_MAP);
  }
}
