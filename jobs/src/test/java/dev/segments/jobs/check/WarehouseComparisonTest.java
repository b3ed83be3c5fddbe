package dev.segments.jobs.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.common.testing.SparkTestSupport;
import dev.segments.jobs.check.WarehouseComparison.TableResult;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two warehouses compared row for row: counts worked out by hand for each table below. */
class WarehouseComparisonTest {

  private static final StructType COUNTS =
      new StructType()
          .add("id", DataTypes.StringType)
          .add("n", DataTypes.LongType)
          .add("tags", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType));
  private static final StructType SNAPSHOTS =
      new StructType().add("as_of_date", DataTypes.DateType).add("id", DataTypes.StringType);

  @TempDir Path left;
  @TempDir Path right;

  private static Map<String, Long> tags(Object... keysAndValues) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], ((Number) keysAndValues[i + 1]).longValue());
    }
    return m;
  }

  private static Row counted(String id, Long n, Map<String, Long> tags) {
    return RowFactory.create(id, n, tags);
  }

  private static void write(Path root, String table, List<Row> rows, StructType schema) {
    SparkTestSupport.spark()
        .createDataFrame(rows, schema)
        .write()
        .format("delta")
        .save(root.resolve(table).toString());
  }

  @Test
  void countsRowsOnlyOnOneSideWithTheirMultiplicity() {
    // same: the same three rows in another order, a map with its entries in another order, a null.
    write(
        left,
        "same",
        List.of(
            counted("a", 1L, tags("x", 1, "y", 2)),
            counted("b", 2L, tags()),
            counted(null, null, tags("z", 3))),
        COUNTS);
    write(
        right,
        "same",
        List.of(
            counted(null, null, tags("z", 3)),
            counted("b", 2L, tags()),
            counted("a", 1L, tags("y", 2, "x", 1))),
        COUNTS);
    // multiset: left a, a, b; right a, b, b, c -> one a only on the left; one b and c only on the
    // right.
    write(
        left,
        "multiset",
        List.of(counted("a", 1L, tags()), counted("a", 1L, tags()), counted("b", 2L, tags())),
        COUNTS);
    write(
        right,
        "multiset",
        List.of(
            counted("a", 1L, tags()),
            counted("b", 2L, tags()),
            counted("b", 2L, tags()),
            counted("c", 3L, tags())),
        COUNTS);
    // value: one map value differs -> one row on each side.
    write(left, "value", List.of(counted("a", 1L, tags("x", 1)), counted("b", 2L, tags())), COUNTS);
    write(
        right, "value", List.of(counted("a", 1L, tags("x", 2)), counted("b", 2L, tags())), COUNTS);
    // empty on both sides.
    write(left, "empty", List.of(), COUNTS);
    write(right, "empty", List.of(), COUNTS);

    Map<String, TableResult> results =
        byTable(new WarehouseComparison(SparkTestSupport.spark()).compare(left, right));

    assertEquals(List.of("empty", "multiset", "same", "value"), List.copyOf(results.keySet()));
    assertEquals(new TableResult("same", 3, 3, 0, 0, ""), results.get("same"));
    assertEquals(
        new TableResult("multiset", 3, 4, 1, 2, "1 rows only on the left, 2 only on the right"),
        results.get("multiset"));
    assertEquals(
        new TableResult("value", 2, 2, 1, 1, "1 rows only on the left, 1 only on the right"),
        results.get("value"));
    assertEquals(new TableResult("empty", 0, 0, 0, 0, ""), results.get("empty"));
  }

  @Test
  void reportsMissingTablesAndColumnTypesAndHonoursDateAndExclusions() {
    write(left, "only_left", List.of(counted("a", 1L, tags()), counted("b", 1L, tags())), COUNTS);
    write(
        left,
        "typed",
        List.of(RowFactory.create("a", 1L)),
        new StructType().add("id", DataTypes.StringType).add("n", DataTypes.LongType));
    write(
        right,
        "typed",
        List.of(RowFactory.create("a", "1")),
        new StructType().add("id", DataTypes.StringType).add("n", DataTypes.StringType));
    // Snapshots agree on 2026-03-02 and differ on 2026-03-01.
    Date d1 = Date.valueOf("2026-03-01");
    Date d2 = Date.valueOf("2026-03-02");
    write(
        left,
        "snapshots",
        List.of(RowFactory.create(d1, "a"), RowFactory.create(d2, "b"), RowFactory.create(d2, "c")),
        SNAPSHOTS);
    write(
        right,
        "snapshots",
        List.of(RowFactory.create(d1, "z"), RowFactory.create(d2, "c"), RowFactory.create(d2, "b")),
        SNAPSHOTS);
    write(left, "skipped_table", List.of(counted("a", 1L, tags())), COUNTS);

    Map<String, TableResult> onDate =
        byTable(
            new WarehouseComparison(
                    SparkTestSupport.spark(),
                    Optional.of(LocalDate.parse("2026-03-02")),
                    List.of("skipped_*"),
                    2)
                .compare(left, right));

    assertEquals(List.of("only_left", "snapshots", "typed"), List.copyOf(onDate.keySet()));
    assertEquals(
        new TableResult("only_left", 2, -1, 0, 0, "only in the left warehouse"),
        onDate.get("only_left"));
    assertEquals(new TableResult("snapshots", 2, 2, 0, 0, ""), onDate.get("snapshots"));
    TableResult typed = onDate.get("typed");
    assertFalse(typed.same());
    assertEquals("column n: bigint vs string", typed.difference());
    assertEquals(1, typed.leftRows());

    Map<String, TableResult> allDates =
        byTable(new WarehouseComparison(SparkTestSupport.spark()).compare(left, right));
    assertEquals(
        new TableResult("snapshots", 3, 3, 1, 1, "1 rows only on the left, 1 only on the right"),
        allDates.get("snapshots"));
    assertTrue(allDates.containsKey("skipped_table"));
  }

  @Test
  void leavesOutExcludedColumnsOfTheNamedTableOnly() {
    StructType firstSeen =
        new StructType().add("id", DataTypes.StringType).add("first_seen", DataTypes.DateType);
    Date d1 = Date.valueOf("2026-03-01");
    Date d2 = Date.valueOf("2026-03-02");
    // defs: the same ids, first seen on different dates; other: the same column differs too.
    write(left, "defs", List.of(RowFactory.create("a", d1), RowFactory.create("b", d1)), firstSeen);
    write(
        right, "defs", List.of(RowFactory.create("b", d2), RowFactory.create("a", d2)), firstSeen);
    write(left, "other", List.of(RowFactory.create("a", d1)), firstSeen);
    write(right, "other", List.of(RowFactory.create("a", d2)), firstSeen);

    Map<String, TableResult> whole =
        byTable(new WarehouseComparison(SparkTestSupport.spark()).compare(left, right));
    assertEquals(
        new TableResult("defs", 2, 2, 2, 2, "2 rows only on the left, 2 only on the right"),
        whole.get("defs"));

    Map<String, TableResult> without =
        byTable(
            new WarehouseComparison(
                    SparkTestSupport.spark(), Optional.empty(), List.of("defs.first_seen"), 2)
                .compare(left, right));
    assertEquals(new TableResult("defs", 2, 2, 0, 0, ""), without.get("defs"));
    assertEquals(
        new TableResult("other", 1, 1, 1, 1, "1 rows only on the left, 1 only on the right"),
        without.get("other"));

    // A column that neither side has is reported, not ignored (a typo would otherwise pass).
    Map<String, TableResult> typo =
        byTable(
            new WarehouseComparison(
                    SparkTestSupport.spark(), Optional.empty(), List.of("defs.first_sen"), 2)
                .compare(left, right));
    assertEquals(
        new TableResult("defs", 2, 2, 0, 0, "excluded columns not in the table: first_sen"),
        typo.get("defs"));
    assertFalse(typo.get("defs").same());
  }

  private static Map<String, TableResult> byTable(List<TableResult> results) {
    Map<String, TableResult> byTable = new LinkedHashMap<>();
    for (TableResult r : results) {
      byTable.put(r.table(), r);
    }
    return byTable;
  }
}
