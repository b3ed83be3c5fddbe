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
 * {@link Warehouse#replaceDates}: a date without a partition folder is appended, a date that
 * has one is replaced, and either way the table holds exactly the rows of the latest write of
 * each date.
 */
class WarehouseTest {
  static final StructType SCHEMA =
      new StructType().add("as_of_date", DataTypes.DateType, true).add("id", DataTypes.StringType, true);
  static final LocalDate D1 = LocalDate.parse("2026-03-01");
  static final LocalDate D2 = LocalDate.parse("2026-03-02");
  static final LocalDate D3 = LocalDate.parse("2026-03-03");

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
    Row r = DeltaTable.forPath(spark, path).history(1).select("operation", "operationParameters").first();
    scala.collection.Map<String, String> params = r.getMap(1);
    return r.getString(0) + " " + (params.contains("mode") ? params.apply("mode") : "?");
  }

  @Test
  void newDatesAreAppendedAndWrittenDatesReplaced() {
    SparkSession spark = SparkTestSupport.spark();
    Warehouse w = new Warehouse(spark, dir.toString(), Optional.empty());
    String t = "some_daily_table";

    assertEquals(2, w.replaceDate(t, rows(D1, "a", D1, "b"), "as_of_date", D1, true));
    assertEquals(1, w.replaceDate(t, rows(D2, "c"), "as_of_date", D2, true));
    assertEquals("WRITE Append", lastCommit(spark, w.path(t)));

    // A rerun of D2 with other rows replaces D2 only.
    assertEquals(2, w.replaceDate(t, rows(D2, "d", D2, "e"), "as_of_date", D2, true));
    assertEquals("WRITE Overwrite", lastCommit(spark, w.path(t)));
    SparkTestSupport.assertSameRows(rows(D1, "a", D1, "b", D2, "d", D2, "e"), w.read(t));

    // Several dates: one of them written already, so the whole write replaces (D3 is new, D1 is not).
    assertEquals(2, w.replaceDates(t, rows(D1, "f", D3, "g"), "as_of_date", List.of(D3, D1), true));
    assertEquals("WRITE Overwrite", lastCommit(spark, w.path(t)));
    SparkTestSupport.assertSameRows(rows(D1, "f", D2, "d", D2, "e", D3, "g"), w.read(t));

    // Writing no rows for a written date empties it.
    assertEquals(0, w.replaceDate(t, rows(), "as_of_date", D2, true));
    SparkTestSupport.assertSameRows(rows(D1, "f", D3, "g"), w.read(t));
  }

  @Test
  void tablesWithoutPartitionFoldersAreAlwaysReplaced() {
    SparkSession spark = SparkTestSupport.spark();
    Warehouse w = new Warehouse(spark, dir.toString(), Optional.empty());
    String t = "random_prefix_table";
    w.replaceDate(t, rows(D1, "a"), "as_of_date", D1, true);
    spark.sql("ALTER TABLE delta.`" + w.path(t) + "` SET TBLPROPERTIES ('delta.randomizeFilePrefixes' = 'true')");
    // Files now go to random folders, so a missing as_of_date= folder proves nothing: D2 is written
    // with replaceWhere, and a rerun of it still leaves one copy of its rows.
    w.replaceDate(t, rows(D2, "b"), "as_of_date", D2, true);
    assertEquals("WRITE Overwrite", lastCommit(spark, w.path(t)));
    w.replaceDate(t, rows(D2, "b"), "as_of_date", D2, true);
    SparkTestSupport.assertSameRows(rows(D1, "a", D2, "b"), w.read(t));
  }

  @Test
  void aDateListIsRequired() {
    Warehouse w = new Warehouse(SparkTestSupport.spark(), dir.toString(), Optional.empty());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> w.replaceDates("t", rows(D1, "a"), "as_of_date", List.of(), true));
    assertEquals("replaceDates on t needs at least one date", e.getMessage());
  }
}
