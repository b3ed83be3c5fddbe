package dev.segments.jobs.score;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import dev.segments.common.config.Condition;
import dev.segments.common.segments.Cond;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * Compiles a {@link Condition} to a Spark column. Values are literals, never SQL text. The result
 * is never null: a missing value (null) matches only {@code !=}, {@code not_in} and
 * {@code is_not_set}.
 */
public final class Conditions {

  private Conditions() {}

  /**
   * The column a field names: the table column of that name if there is one, else the trait of
   * that name from the {@code traits} map (text).
   */
  public static Column field(String field, List<String> columns) {
    return columns.contains(field) ? col(field) : element_at(col("traits"), lit(field));
  }

  public static Column compile(Condition c, Column value) {
    return compare(c.op(), value, c.values());
  }

  /**
   * A comparison operator of the segment language applied to a column and literal values (the
   * timing operators are the segment compiler's). Never null: see the class comment.
   */
  public static Column compare(Cond.FieldOp op, Column value, List<Object> v) {
    Column result = switch (op) {
      case EQ -> value.equalTo(lit(v.get(0)));
      case NE -> coalesce(value.notEqual(lit(v.get(0))), lit(true));
      case LT -> value.lt(lit(v.get(0)));
      case LE -> value.leq(lit(v.get(0)));
      case GT -> value.gt(lit(v.get(0)));
      case GE -> value.geq(lit(v.get(0)));
      case BETWEEN -> value.between(lit(v.get(0)), lit(v.get(1)));
      case IN -> value.isin(v.toArray());
      case NOT_IN -> coalesce(not(value.isin(v.toArray())), lit(true));
      case CONTAINS -> value.cast("string").contains(lit(String.valueOf(v.get(0))));
      case STARTS_WITH -> value.cast("string").startsWith(lit(String.valueOf(v.get(0))));
      case IS_SET -> value.isNotNull();
      case IS_NOT_SET -> value.isNull();
      case MORE_THAN_DAYS_AGO, WITHIN_DAYS -> throw new IllegalArgumentException(op.symbol + " is not a comparison");
    };
    return coalesce(result, lit(false));
  }

  /** The columns of a schema, for {@link #field}. */
  public static List<String> columns(org.apache.spark.sql.types.StructType schema) {
    return Arrays.asList(schema.fieldNames());
  }
}
