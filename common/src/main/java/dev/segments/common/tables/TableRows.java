package dev.segments.common.tables;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.map_entries;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.MapType;

/** Helpers for comparing the rows of our tables. */
public final class TableRows {
  private TableRows() {}

  /**
   * The rows with top-level map columns as sorted arrays of entries: set operations (exceptAll) and
   * sorting do not take maps, and two equal maps may list their entries in any order.
   */
  public static Dataset<Row> comparable(Dataset<Row> rows) {
    Column[] columns =
        java.util.Arrays.stream(rows.schema().fields())
            .map(
                f ->
                    f.dataType() instanceof MapType
                        ? array_sort(map_entries(col("`" + f.name() + "`"))).as(f.name())
                        : col("`" + f.name() + "`"))
            .toArray(Column[]::new);
    return rows.select(columns);
  }
}
