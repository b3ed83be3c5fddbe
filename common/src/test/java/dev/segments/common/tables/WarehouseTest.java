package dev.segments.common.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.segments.common.testing.SparkTestSupport;
import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Warehouse}: a date the table does not hold yet is appended, a date it holds is replaced,
 * and either way the table holds exactly the rows of the latest write of each date; whatever the
 * file layout; frames are checked against their {@link TableSpec}; comments come from the spec.
 */
class WarehouseTest {
  static final StructType SCHEMA =
      new StructType()
          .add("as_of_date", DataTypes.DateType, true)
          .add("id", DataTypes.StringType, true);
  static final LocalDate D1 = LocalDate.parse("2026-03-01");
  static final LocalDate D2 = LocalDate.parse("2026-03-02");
  static final LocalDate D3 = LocalDate.parse("2026-03-03");

  static TableSpec daily(String name) {
    return new TableSpec(
        name,
        "Test",
        "test",
        "Things per `as_of_date`.",
        "",
        List.of(
            ColumnSpec.of("as_of_date", "date", "the run date"),
            ColumnSpec.of("id", "string", "the **thing**")),
        Optional.of("as_of_date"),
        WriteMode.DATES_REPLACED,
        Optional.empty(),
        List.of("as_of_date", "id"),
        "");
  }

  @TempDir Path dir;

  private static Dataset<Row> rows(Object... dateAndId) {
    List<Row> out = new java.util.ArrayList<>();
    for (int i = 0; i < dateAndId.length; i += 2) {
      out.add(RowFactory.create(Date.valueOf((LocalDate) dateAndId[i]), dateAndId[i + 1]));
    }
    return SparkTestSupport.spark().createDataFrame(out, SCHEMA);
  }

  /** The Delta operation and save mode of the table's latest commit, e.g. "WRITE Append". */
  private static String lastCommit(SparkSession spark, String path) {
    Row r =
        DeltaTable.forPath(spark, path)
            .history(1)
            .select("operation", "operationParameters")
            .first();
    scala.collection.Map<String, String> params = r.getMap(1);
    return r.getString(0) + " " + (params.contains("mode") ? params.apply("mode") : "?");
  }

  @Test
  void newDatesAreAppendedAndWrittenDatesReplaced() {
    SparkSession spark = SparkTestSupport.spark();
    Warehouse w = new Warehouse(spark, dir.toString(), Optional.empty());
    TableSpec t = daily("some_daily_table");

    assertEquals(2, w.replaceDate(t, rows(D1, "a", D1, "b"), D1));
    assertEquals(1, w.replaceDate(t, rows(D2, "c"), D2));
    assertEquals("WRITE Append", lastCommit(spark, w.path(t.name())));

    // A rerun of D2 with other rows replaces D2 only.
    assertEquals(2, w.replaceDate(t, rows(D2, "d", D2, "e"), D2));
    assertEquals("WRITE Overwrite", lastCommit(spark, w.path(t.name())));
    SparkTestSupport.assertSameRows(rows(D1, "a", D1, "b", D2, "d", D2, "e"), w.read(t.name()));

    // Several dates: one of them written already, so the whole write replaces (D3 is new, D1 is
    // not).
    assertEquals(2, w.replaceDates(t, rows(D1, "f", D3, "g"), List.of(D3, D1)));
    assertEquals("WRITE Overwrite", lastCommit(spark, w.path(t.name())));
    SparkTestSupport.assertSameRows(rows(D1, "f", D2, "d", D2, "e", D3, "g"), w.read(t.name()));

    // Writing no rows for a written date empties it.
    assertEquals(0, w.replaceDate(t, rows(), D2));
    SparkTestSupport.assertSameRows(rows(D1, "f", D3, "g"), w.read(t.name()));

    // A snapshot table that keeps some days: D3 replaced and everything before D2 dropped, one
    // commit.
    assertEquals(1, w.replaceDates(t, rows(D3, "h"), List.of(D3), Optional.of(D2)));
    SparkTestSupport.assertSameRows(rows(D3, "h"), w.read(t.name()));
  }

  @Test
  void theDecisionReadsDeltaMetadataNotFolders() {
    SparkSession spark = SparkTestSupport.spark();
    Warehouse w = new Warehouse(spark, dir.toString(), Optional.empty());
    TableSpec t = daily("random_prefix_table");
    w.replaceDate(t, rows(D1, "a"), D1);
    spark.sql(
        "ALTER TABLE delta.`"
            + w.path(t.name())
            + "` SET TBLPROPERTIES ('delta.randomizeFilePrefixes' = 'true')");
    // Files now go to random folders, not as_of_date= ones: a new date is still appended, and a
    // rerun of it is still a replacement that leaves one copy of its rows.
    w.replaceDate(t, rows(D2, "b"), D2);
    assertEquals("WRITE Append", lastCommit(spark, w.path(t.name())));
    w.replaceDate(t, rows(D2, "b"), D2);
    assertEquals("WRITE Overwrite", lastCommit(spark, w.path(t.name())));
    SparkTestSupport.assertSameRows(rows(D1, "a", D2, "b"), w.read(t.name()));
  }

  @Test
  void runDateRowsAndWholeTablesAreReplaced() {
    SparkSession spark = SparkTestSupport.spark();
    Warehouse w = new Warehouse(spark, dir.toString(), Optional.empty());
    TableSpec byRun =
        new TableSpec(
            "by_run",
            "Test",
            "test",
            "Rows per input day.",
            "",
            List.of(
                ColumnSpec.of("as_of_date", "date", "the input day"),
                ColumnSpec.of("id", "string", "a thing")),
            Optional.empty(),
            WriteMode.ROWS_OF_RUN_REPLACED,
            Optional.of("as_of_date"),
            List.of("id"),
            "");
    w.replaceRunDate(byRun, rows(D1, "a", D1, "b"), D1, Optional.empty());
    w.replaceRunDate(byRun, rows(D2, "c"), D2, Optional.empty());
    assertEquals(1, w.replaceRunDate(byRun, rows(D1, "z"), D1, Optional.empty()));
    SparkTestSupport.assertSameRows(rows(D1, "z", D2, "c"), w.read("by_run"));

    TableSpec whole =
        new TableSpec(
            "whole",
            "Test",
            "test",
            "State.",
            "",
            List.of(
                ColumnSpec.of("as_of_date", "date", "a day"),
                ColumnSpec.of("id", "string", "a thing")),
            Optional.empty(),
            WriteMode.WHOLE_TABLE,
            Optional.empty(),
            List.of("id"),
            "");
    w.overwrite(whole, rows(D1, "a", D2, "b"));
    assertEquals(1, w.overwrite(whole, rows(D3, "c")));
    SparkTestSupport.assertSameRows(rows(D3, "c"), w.read("whole"));

    // A table is written only in the way its spec says.
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> w.overwrite(byRun, rows(D1, "a")));
    assertEquals(
        "Table by_run is written as ROWS_OF_RUN_REPLACED, not WHOLE_TABLE", e.getMessage());
  }

  @Test
  void aFrameThatDoesNotFitItsSpecIsNotWritten() {
    SparkSession spark = SparkTestSupport.spark();
    Warehouse w = new Warehouse(spark, dir.toString(), Optional.empty());
    TableSpec t = daily("checked");
    TableSchemaException missing =
        assertThrows(
            TableSchemaException.class, () -> w.replaceDate(t, rows(D1, "a").drop("id"), D1));
    assertEquals("Cannot write table checked: column id (string) is missing", missing.getMessage());
    TableSchemaException type =
        assertThrows(
            TableSchemaException.class,
            () ->
                w.replaceDate(
                    t, rows(D1, "a").withColumn("id", org.apache.spark.sql.functions.lit(1L)), D1));
    assertEquals(
        "Cannot write table checked: column id is bigint, the catalog says string",
        type.getMessage());
    TableSchemaException extra =
        assertThrows(
            TableSchemaException.class,
            () ->
                w.replaceDate(
                    t,
                    rows(D1, "a").withColumn("other", org.apache.spark.sql.functions.lit(1)),
                    D1));
    assertEquals(
        "Cannot write table checked: column other (int) is not in the catalog", extra.getMessage());
    assertEquals(false, w.exists("checked"), "nothing was written");
  }

  @Test
  void commentsComeFromTheSpec() {
    SparkSession spark = SparkTestSupport.spark();
    Warehouse w = new Warehouse(spark, dir.toString(), Optional.empty());
    w.replaceDate(daily("commented"), rows(D1, "a"), D1);
    StructType schema = w.read("commented").schema();
    assertEquals("the run date", schema.apply("as_of_date").getComment().get());
    assertEquals("the thing", schema.apply("id").getComment().get());
  }

  @Test
  void aDateListIsRequired() {
    Warehouse w = new Warehouse(SparkTestSupport.spark(), dir.toString(), Optional.empty());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> w.replaceDates(daily("t"), rows(D1, "a"), List.of()));
    assertEquals("replaceDates on t needs at least one date", e.getMessage());
  }
}
