package dev.segments.common.tables;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One output table: its name, columns (types and meanings), partition column, how it is written,
 * the stage that writes it and its natural key. {@link Warehouse} writes every table through its
 * spec; {@code docs/tables.md} is rendered from the specs ({@link TableCatalog#markdown()}).
 *
 * @param group the section of docs/tables.md (Ingest, Features, Scores, Segments)
 * @param summary the table's comment in the catalog and the first paragraph of its docs
 * @param details more of the docs after the summary (Markdown; may be empty)
 * @param partitionColumn the Delta partition column, if any
 * @param runDateColumn with {@link WriteMode#ROWS_OF_RUN_REPLACED}: the column holding the run date
 * @param key the columns that identify a row (with the partition column, where there is one)
 * @param notes Markdown after the column table (may be empty)
 */
public record TableSpec(
    String name,
    String group,
    String stage,
    String summary,
    String details,
    List<ColumnSpec> columns,
    Optional<String> partitionColumn,
    WriteMode writeMode,
    Optional<String> runDateColumn,
    List<String> key,
    String notes) {

  public TableSpec {
    columns = List.copyOf(columns);
    key = List.copyOf(key);
    if (writeMode == WriteMode.DATES_REPLACED && partitionColumn.isEmpty()) {
      throw new IllegalArgumentException(
          name + ": a table whose dates are replaced needs a date partition column");
    }
    if (writeMode == WriteMode.OPEN_AND_LATER_REPLACED && partitionColumn.isEmpty()) {
      throw new IllegalArgumentException(
          name + ": a table of intervals needs the date they end on as its partition column");
    }
    if (writeMode == WriteMode.ROWS_OF_RUN_REPLACED && runDateColumn.isEmpty()) {
      throw new IllegalArgumentException(
          name + ": a table whose run's rows are replaced needs its run-date column");
    }
  }

  /** Whether the configured trait columns belong to this table. */
  public boolean hasTraits() {
    return columns.stream().anyMatch(ColumnSpec::isTraits);
  }

  /** The spec of a concrete column name: exact, a window of a windowed column, or empty. */
  public Optional<ColumnSpec> column(String name) {
    return columns.stream().filter(c -> c.matches(name)).findFirst();
  }

  /**
   * The column's description; a column the spec does not name in a table with traits is a trait.
   */
  public Optional<String> columnComment(String column) {
    Optional<ColumnSpec> c = column(column);
    if (c.isPresent()) {
      return Optional.of(TableCatalog.plain(c.get().meaning()));
    }
    return columns.stream()
        .filter(ColumnSpec::isTraits)
        .findFirst()
        .map(t -> TableCatalog.plain(t.meaning()) + " (trait " + column + ")");
  }

  /**
   * Checks a frame's columns against the spec before it is written: every fixed column present,
   * every column known (a trait column, in a table with traits, of a trait's type), every type the
   * spec's. Throws naming the table and the column.
   */
  public void check(StructType schema) {
    List<String> problems = new ArrayList<>();
    for (ColumnSpec c : columns) {
      if (!c.isTraits() && !c.isWindowed() && !schema.getFieldIndex(c.name()).isDefined()) {
        problems.add("column " + c.name() + " (" + c.type() + ") is missing");
      }
    }
    for (StructField f : schema.fields()) {
      Optional<ColumnSpec> c = column(f.name());
      if (c.isPresent()) {
        DataType expected = c.get().dataType();
        if (!sameType(expected, f.dataType())) {
          problems.add(
              "column "
                  + f.name()
                  + " is "
                  + f.dataType().simpleString()
                  + ", the catalog says "
                  + c.get().type());
        }
      } else if (!hasTraits()) {
        problems.add(
            "column " + f.name() + " (" + f.dataType().simpleString() + ") is not in the catalog");
      } else if (!TRAIT_TYPES.contains(f.dataType())) {
        problems.add(
            "trait column "
                + f.name()
                + " is "
                + f.dataType().simpleString()
                + ", not a trait type");
      }
    }
    if (!problems.isEmpty()) {
      throw new TableSchemaException(
          "Cannot write table " + name + ": " + String.join("; ", problems));
    }
  }

  /** The schema of a table whose columns are all fixed (no windows, no traits). */
  public StructType schema() {
    StructType schema = new StructType();
    for (ColumnSpec c : columns) {
      if (c.isTraits() || c.isWindowed()) {
        throw new IllegalStateException(name + " has configured columns: no fixed schema");
      }
      schema = schema.add(c.name(), c.dataType());
    }
    return schema;
  }

  private static final List<DataType> TRAIT_TYPES =
      List.of(
          DataTypes.StringType,
          DataTypes.LongType,
          DataTypes.DoubleType,
          DataTypes.BooleanType,
          DataTypes.DateType,
          DataTypes.TimestampType);

  /** Equal types, ignoring nullability of elements and values. */
  static boolean sameType(DataType a, DataType b) {
    return a.simpleString().equals(b.simpleString());
  }

  /** The rows with each column's description as its {@code comment} metadata. */
  public Dataset<Row> withComments(Dataset<Row> rows) {
    List<Column> out = new ArrayList<>();
    for (StructField f : rows.schema().fields()) {
      Column c = rows.col("`" + f.name() + "`");
      Optional<String> comment = columnComment(f.name());
      if (comment.isPresent()) {
        c =
            c.as(
                f.name(),
                new MetadataBuilder()
                    .withMetadata(f.metadata())
                    .putString("comment", comment.get())
                    .build());
      }
      out.add(c);
    }
    return rows.select(out.toArray(Column[]::new));
  }

  /** The table comment: the summary as plain text. */
  public String comment() {
    return TableCatalog.plain(summary);
  }
}
