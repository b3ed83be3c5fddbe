package dev.segments.jobs.export;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import dev.segments.common.config.ExportSettings.Destination;
import dev.segments.common.config.Settings;
import dev.segments.common.segments.FieldCatalog;
import dev.segments.common.segments.SegmentDefinition.Entity;
import dev.segments.common.tables.TableNames;
import dev.segments.common.tables.Warehouse;
import dev.segments.jobs.segments.SegmentsEvaluator;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The records one destination should hold on a date, and their difference from what it acknowledged
 * (Spark frames; the diff is a full outer join on the entity id, as reverse-ETL tools do).
 */
final class ExportRecords {
  private final Warehouse warehouse;
  private final Settings settings;
  private final FieldCatalog catalog;

  ExportRecords(Warehouse warehouse, Settings settings) {
    this.warehouse = warehouse;
    this.settings = settings;
    this.catalog = new FieldCatalog(settings);
  }

  /** The destination's fields that the entity has, in the configured order. */
  List<String> fields(Destination d, Entity entity) {
    return d.fields().stream().filter(f -> catalog.type(entity, f).isPresent()).toList();
  }

  /**
   * entity_id, key, segments (sorted), values (a struct of the fields) and hash, for every entity
   * in at least one of {@code segments} on {@code date}.
   */
  Dataset<Row> current(Destination d, Entity entity, List<String> segments, LocalDate date) {
    Date day = Date.valueOf(date);
    String id = entity.idColumn();
    Dataset<Row> members =
        warehouse
            .read(TableNames.SEGMENT_MEMBERS)
            .where(
                col("as_of_date")
                    .equalTo(lit(day))
                    .and(col("entity").equalTo(entity.key))
                    .and(col("segment_id").isin(segments.toArray())))
            .groupBy(col("entity_id"))
            .agg(array_sort(collect_set(col("segment_id"))).as("segments"));
    Dataset<Row> features =
        SegmentsEvaluator.withDaysSinceCreated(
            warehouse
                .read(
                    entity == Entity.USER ? TableNames.USER_FEATURES : TableNames.ACCOUNT_FEATURES)
                .where(col("as_of_date").equalTo(lit(day))),
            date,
            entity == Entity.USER ? settings.userTraits() : settings.accountTraits());
    if (entity == Entity.ACCOUNT) {
      features = onePerAccount(features);
    }
    List<String> fields = fields(d, entity);
    Dataset<Row> base =
        members.join(features, members.col("entity_id").equalTo(features.col(id)), "left");
    List<String> scoreFields =
        fields.stream().filter(f -> FieldCatalog.isScoreField(entity, f)).toList();
    if (!scoreFields.isEmpty()) {
      Dataset<Row> scores =
          warehouse
              .read(entity == Entity.USER ? TableNames.USER_SCORES : TableNames.ACCOUNT_SCORES)
              .where(
                  col("as_of_date").equalTo(lit(day)).and(col("workspace").equalTo(d.workspace())));
      if (entity == Entity.ACCOUNT) {
        scores = onePerAccount(scores);
      }
      List<Column> cols = new ArrayList<>();
      cols.add(col(id).as("__score_id"));
      scoreFields.forEach(f -> cols.add(col(f).as("__score_" + f)));
      Dataset<Row> s = scores.select(cols.toArray(Column[]::new));
      base = base.join(s, base.col("entity_id").equalTo(s.col("__score_id")), "left");
    }
    List<Column> values = new ArrayList<>();
    for (String f : fields) {
      values.add((scoreFields.contains(f) ? col("__score_" + f) : base.col(f)).as(f));
    }
    Column valueStruct =
        values.isEmpty()
            ? struct(lit(null).cast("string").as("__none"))
            : struct(values.toArray(Column[]::new));
    String keyColumn = d.idColumn(entity);
    Column key = keyColumn.equals(id) ? col("entity_id") : base.col(keyColumn).cast("string");
    Column account = entity == Entity.USER ? base.col("account_id") : lit(null).cast("string");
    return base.select(
            col("entity_id"),
            key.as("key"),
            col("segments"),
            valueStruct.as("values"),
            account.as("account_id"))
        .withColumn("hash", sha2(to_json(struct(col("key"), col("segments"), col("values"))), 256));
  }

  /**
   * One row per account: its own (leaf) row, or, for an account known only as a parent of others
   * (no group call of its own, no members), its parent row. A record describes the account itself.
   */
  private static Dataset<Row> onePerAccount(Dataset<Row> rows) {
    Column level = dev.segments.jobs.features.AccountHierarchy.levelOf(rows);
    return rows.withColumn(
            "__sole", dev.segments.jobs.features.AccountHierarchy.soleRow(col("account_id")))
        .where(level.equalTo(dev.segments.jobs.features.AccountHierarchy.LEAF).or(col("__sole")))
        .drop("__sole");
  }

  /**
   * The changes to send: current records whose hash differs from the acknowledged one (or that
   * failed, or all of them on a full resync, acknowledged as nothing), and acknowledged records
   * that are in no exported segment any more.
   */
  static Dataset<Row> diff(Dataset<Row> current, Dataset<Row> state, boolean fullResync) {
    Dataset<Row> s =
        state.select(
            col("entity_id").as("s_entity_id"),
            col("key").as("s_key"),
            col("hash").as("s_hash"),
            col("segments").as("s_held"),
            col("remote_id").as("s_remote_id"),
            col("status").as("s_status"),
            col("attempts").as("s_attempts"));
    Dataset<Row> joined =
        current.join(s, current.col("entity_id").equalTo(s.col("s_entity_id")), "full_outer");
    Column isCurrent = col("entity_id").isNotNull();
    Column differs =
        col("s_hash")
            .isNull()
            .or(col("s_hash").notEqual(col("hash")))
            .or(col("s_status").equalTo("failed"));
    if (fullResync) {
      differs = lit(true);
    }
    Column none = array().cast("array<string>");
    // On a full resync the destination is taken to hold nothing of a current record (every
    // membership is sent again); a record that left still has its memberships removed.
    Column acknowledged =
        fullResync
            ? when(col("entity_id").isNotNull(), none).otherwise(coalesce(col("s_held"), none))
            : coalesce(col("s_held"), none);
    Column left =
        col("entity_id")
            .isNull()
            .and(size(coalesce(col("s_held"), array().cast("array<string>"))).gt(0));
    return joined
        .where(isCurrent.and(differs).or(left))
        .select(
            coalesce(col("entity_id"), col("s_entity_id")).as("entity_id"),
            coalesce(col("key"), col("s_key")).as("key"),
            coalesce(col("segments"), array().cast("array<string>")).as("segments"),
            acknowledged.as("acknowledged"),
            col("values"),
            coalesce(col("hash"), sha2(lit("removed"), 256)).as("hash"),
            col("s_hash").as("acknowledged_hash"),
            col("s_remote_id").as("remote_id"),
            coalesce(col("s_attempts"), lit(0)).as("attempts"),
            col("account_id"));
  }

  /** A row of {@link #diff} as a change. */
  static Change change(Entity entity, Row r) {
    Map<String, Object> values = new LinkedHashMap<>();
    int vi = r.fieldIndex("values");
    if (!r.isNullAt(vi)) {
      Row v = r.getStruct(vi);
      StructType t = v.schema();
      for (int i = 0; i < t.fields().length; i++) {
        StructField f = t.fields()[i];
        if (!f.name().equals("__none")) {
          values.put(f.name(), javaValue(f.dataType(), v, i));
        }
      }
    }
    return new Change(
        entity,
        r.getString(r.fieldIndex("entity_id")),
        r.getString(r.fieldIndex("key")),
        r.getList(r.fieldIndex("segments")),
        r.getList(r.fieldIndex("acknowledged")),
        values,
        r.getString(r.fieldIndex("hash")),
        r.getString(r.fieldIndex("acknowledged_hash")),
        Optional.ofNullable(r.getString(r.fieldIndex("remote_id"))),
        r.getInt(r.fieldIndex("attempts")),
        r.getString(r.fieldIndex("account_id")));
  }

  private static Object javaValue(DataType type, Row v, int i) {
    if (v.isNullAt(i)) {
      return null;
    }
    if (type instanceof ArrayType) {
      return v.getList(i);
    }
    if (type instanceof MapType) {
      return new java.util.TreeMap<>(v.getJavaMap(i)).toString();
    }
    return v.get(i);
  }

  /** The API type of a field: string, integer, float, boolean, date or datetime. */
  static String apiType(DataType t) {
    if (t.equals(DataTypes.IntegerType) || t.equals(DataTypes.LongType)) {
      return "integer";
    }
    if (t.equals(DataTypes.DoubleType) || t.equals(DataTypes.FloatType)) {
      return "float";
    }
    if (t.equals(DataTypes.BooleanType)) {
      return "boolean";
    }
    if (t.equals(DataTypes.TimestampType)) {
      return "datetime";
    }
    if (t.equals(DataTypes.DateType)) {
      return "date";
    }
    return "string";
  }

  /** The exported fields' API types, from the current records' schema. */
  static Map<String, String> fieldTypes(Dataset<Row> current) {
    Map<String, String> types = new LinkedHashMap<>();
    StructType values = (StructType) current.schema().apply("values").dataType();
    for (StructField f : values.fields()) {
      if (!f.name().equals("__none")) {
        types.put(f.name(), apiType(f.dataType()));
      }
    }
    return types;
  }
}
