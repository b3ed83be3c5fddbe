package dev.segments.common.segments;

import dev.segments.common.config.Settings;
import dev.segments.common.config.TraitColumn;
import dev.segments.common.tables.ColumnSpec;
import dev.segments.common.tables.TableCatalog;
import dev.segments.common.tables.TableSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;

/**
 * The fields a segment may compare, per entity, with their types: the feature table's columns and
 * the score columns (of the segment's workspace), both from the table catalog, and {@code
 * days_since_created}. Untyped traits are {@code traits.<name>} (text). Known without Spark, from
 * the settings.
 */
public final class FieldCatalog {

  /** What a field holds; decides which operators fit. */
  public enum Type {
    NUMBER,
    STRING,
    BOOLEAN,
    TIMESTAMP,
    STRING_ARRAY,
    MAP
  }

  /** Columns of a table that are keys or dates, not fields a condition compares. */
  private static final Set<String> NOT_FIELDS = Set.of("as_of_date", "workspace", "level");

  /** Columns of user_scores and account_scores a segment may compare (its workspace's). */
  private static final Map<String, Type> SCORE_FIELDS = scoreFields(TableCatalog.USER_SCORES);

  /** Columns of account_scores only ({@code total_users} is the account feature's). */
  private static final Map<String, Type> ACCOUNT_SCORE_FIELDS = accountScoreFields();

  private final Map<String, Type> user = new LinkedHashMap<>();
  private final Map<String, Type> account = new LinkedHashMap<>();

  public FieldCatalog(Settings settings) {
    this(settings.features().windows(), settings.userTraits(), settings.accountTraits());
  }

  /**
   * The fields of the feature tables (from the table catalog) for these windows and traits, and the
   * scores.
   */
  public FieldCatalog(
      List<Integer> windows, List<TraitColumn> userTraits, List<TraitColumn> accountTraits) {
    features(user, TableCatalog.USER_FEATURES, windows);
    features(account, TableCatalog.ACCOUNT_FEATURES, windows);
    for (Map<String, Type> m : List.of(user, account)) {
      m.put("days_since_created", Type.NUMBER);
      SCORE_FIELDS.forEach(m::putIfAbsent);
    }
    ACCOUNT_SCORE_FIELDS.forEach(account::putIfAbsent);
    for (TraitColumn t : userTraits) {
      user.putIfAbsent(t.column(), typeOf(t));
    }
    for (TraitColumn t : accountTraits) {
      account.putIfAbsent(t.column(), typeOf(t));
    }
  }

  private static void features(Map<String, Type> into, TableSpec table, List<Integer> windows) {
    for (ColumnSpec c : table.columns()) {
      if (c.isTraits() || NOT_FIELDS.contains(c.name())) {
        continue;
      }
      if (c.isWindowed()) {
        windows.forEach(w -> into.put(c.forWindow(w), typeOf(c)));
      } else {
        into.put(c.name(), typeOf(c));
      }
    }
  }

  private static Map<String, Type> scoreFields(TableSpec scores) {
    Map<String, Type> m = new LinkedHashMap<>();
    Set<String> keys = Set.of("user_id", "account_id");
    for (ColumnSpec c : scores.columns()) {
      if (!NOT_FIELDS.contains(c.name()) && !keys.contains(c.name())) {
        m.put(c.name(), typeOf(c));
      }
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  private static Map<String, Type> accountScoreFields() {
    Map<String, Type> m = new LinkedHashMap<>(scoreFields(TableCatalog.ACCOUNT_SCORES));
    m.keySet().removeAll(SCORE_FIELDS.keySet());
    m.remove("total_users");
    return java.util.Collections.unmodifiableMap(m);
  }

  /** The condition type of a catalog column. */
  static Type typeOf(ColumnSpec c) {
    DataType t = c.dataType();
    if (t instanceof MapType) {
      return Type.MAP;
    }
    if (t instanceof ArrayType) {
      return Type.STRING_ARRAY;
    }
    if (t.equals(DataTypes.StringType)) {
      return Type.STRING;
    }
    if (t.equals(DataTypes.BooleanType)) {
      return Type.BOOLEAN;
    }
    if (t.equals(DataTypes.TimestampType) || t.equals(DataTypes.DateType)) {
      return Type.TIMESTAMP;
    }
    return Type.NUMBER;
  }

  private static Type typeOf(TraitColumn t) {
    return switch (t.type()) {
      case LONG, DOUBLE -> Type.NUMBER;
      case BOOLEAN -> Type.BOOLEAN;
      case DATE, TIMESTAMP -> Type.TIMESTAMP;
      case STRING -> Type.STRING;
    };
  }

  /** The type of a field of the entity; {@code traits.<name>} is text; empty if unknown. */
  public Optional<Type> type(SegmentDefinition.Entity entity, String field) {
    if (field.startsWith("traits.") && field.length() > "traits.".length()) {
      return Optional.of(Type.STRING);
    }
    return Optional.ofNullable(
        (entity == SegmentDefinition.Entity.USER ? user : account).get(field));
  }

  /** Score fields: read from the segment's workspace's scores table. */
  public static boolean isScoreField(SegmentDefinition.Entity entity, String field) {
    return SCORE_FIELDS.containsKey(field)
        || (entity == SegmentDefinition.Entity.ACCOUNT && ACCOUNT_SCORE_FIELDS.containsKey(field));
  }

  public java.util.Set<String> names(SegmentDefinition.Entity entity) {
    return (entity == SegmentDefinition.Entity.USER ? user : account).keySet();
  }
}
