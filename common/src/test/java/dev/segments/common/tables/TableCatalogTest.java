package dev.segments.common.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The table catalog: the checked-in docs/tables.md is its rendering, and its specs are sound. */
class TableCatalogTest {

  @Test
  void theCheckedInPageIsTheCatalogsRendering() throws IOException {
    // The module runs with common/ as its working directory.
    Path page = Path.of("..", "docs", "tables.md");
    String checkedIn = Files.readString(page, StandardCharsets.UTF_8);
    assertEquals(
        TableCatalog.markdown(),
        checkedIn,
        "docs/tables.md differs from the catalog: regenerate it with scripts/segments tables --markdown > docs/tables.md");
  }

  @Test
  void everyFixedTableNameHasOneSpec() {
    assertEquals(TableNames.ALL, TableCatalog.ALL.stream().map(TableSpec::name).toList());
    assertEquals(
        TableCatalog.ALL.size(), TableCatalog.ALL.stream().map(TableSpec::name).distinct().count());
  }

  @Test
  void everyTypeIsASparkTypeAndEveryKeyAColumn() {
    for (TableSpec t : TableCatalog.ALL) {
      for (ColumnSpec c : t.columns()) {
        if (!c.isTraits()) {
          c.dataType(); // throws on a type Spark does not parse
        }
      }
      for (String k : t.key()) {
        assertTrue(
            t.columns().stream().anyMatch(c -> c.name().equals(k)),
            t.name() + " key " + k + " is a column");
      }
      t.partitionColumn()
          .ifPresent(
              p ->
                  assertTrue(
                      t.column(p).isPresent(), t.name() + " partition " + p + " is a column"));
      t.runDateColumn()
          .ifPresent(
              p ->
                  assertTrue(
                      t.column(p).isPresent(), t.name() + " run date " + p + " is a column"));
    }
  }

  @Test
  void windowedAndTraitColumnsAreChecked() {
    TableSpec users = TableCatalog.USER_FEATURES;
    StructType ok = new StructType();
    for (ColumnSpec c : users.columns()) {
      if (c.isTraits()) {
        ok = ok.add("role", DataTypes.StringType).add("created_at", DataTypes.TimestampType);
      } else if (c.isWindowed()) {
        ok = ok.add(c.forWindow(7), c.dataType()).add(c.forWindow(30), c.dataType());
      } else {
        ok = ok.add(c.name(), c.dataType());
      }
    }
    users.check(ok);
    assertEquals(
        Optional.of("days with at least one track event in the window"),
        users.columnComment("active_days_30d"));
    assertEquals(Optional.of("configured user traits (trait role)"), users.columnComment("role"));

    StructType badWindow = ok.add("total_events_14d", DataTypes.IntegerType);
    TableSchemaException e = assertThrows(TableSchemaException.class, () -> users.check(badWindow));
    assertEquals(
        "Cannot write table user_features: column total_events_14d is int, the catalog says long",
        e.getMessage());
    StructType badTrait = ok.add("tags", DataTypes.createArrayType(DataTypes.StringType));
    e = assertThrows(TableSchemaException.class, () -> users.check(badTrait));
    assertEquals(
        "Cannot write table user_features: trait column tags is array<string>, not a trait type",
        e.getMessage());
  }

  @Test
  void aSegmentTableNamesItsMemberColumn() {
    TableSpec s = TableCatalog.segment("stalled_onboarding", "account_id");
    assertEquals("segment_stalled_onboarding", s.name());
    assertEquals(
        List.of("as_of_date", "account_id"), s.columns().stream().map(ColumnSpec::name).toList());
    assertEquals(WriteMode.DATES_REPLACED, s.writeMode());
  }

  @Test
  void commentsArePlainText() {
    assertEquals("See scoring.md.", TableCatalog.plain("See [scoring.md](scoring.md#x)."));
    assertEquals(
        "the user's account on as_of_date",
        TableCatalog.USER_FEATURES.columnComment("account_id").get());
  }
}
