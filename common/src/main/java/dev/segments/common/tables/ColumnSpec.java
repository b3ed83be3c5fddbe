package dev.segments.common.tables;

import java.util.regex.Pattern;
import org.apache.spark.sql.types.DataType;

/**
 * One column of a {@link TableSpec}: its name, its type as the docs write it ({@code string},
 * {@code long}, {@code map<string,long>}, ...) and what it means. A name with {@code <N>} stands
 * for one column per configured window ({@code active_days_<N>d}); the name {@link #TRAITS} stands
 * for the configured trait columns (type {@code typed}).
 */
public record ColumnSpec(String name, String type, String meaning) {
  /** The placeholder of the configured trait columns. */
  public static final String TRAITS = "*traits*";

  public static ColumnSpec of(String name, String type, String meaning) {
    return new ColumnSpec(name, type, meaning);
  }

  public boolean isTraits() {
    return name.equals(TRAITS);
  }

  /** One column per window: the name has {@code <N>}. */
  public boolean isWindowed() {
    return name.contains("<N>");
  }

  /** Whether a concrete column name is this column (or one of its windows). */
  public boolean matches(String column) {
    if (isTraits()) {
      return false;
    }
    if (!isWindowed()) {
      return name.equals(column);
    }
    String regex = Pattern.quote(name).replace("<N>", "\\E[0-9]+\\Q");
    return column.matches(regex);
  }

  /**
   * The column's window name for a window of {@code days} ({@code active_days_<N>d} → {@code
   * active_days_7d}).
   */
  public String forWindow(int days) {
    return name.replace("<N>", Integer.toString(days));
  }

  /**
   * The Spark type ({@code long} is Spark's {@code bigint}); undefined for the traits placeholder.
   */
  public DataType dataType() {
    if (isTraits()) {
      throw new IllegalStateException("the traits placeholder has no single type");
    }
    return DataType.fromDDL(type.replaceAll("\\blong\\b", "bigint"));
  }
}
