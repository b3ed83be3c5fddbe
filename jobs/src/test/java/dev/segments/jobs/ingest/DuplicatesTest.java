package dev.segments.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segments.common.testing.SparkTestSupport;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Duplicate marks worked out by hand, the same whichever way they are computed: by broadcasting the
 * few duplicate ids, or (over the limit) by ranking every row.
 */
class DuplicatesTest {

  private static final StructType CLASSIFIED =
      new StructType()
          .add("source_file", DataTypes.StringType)
          .add("raw", DataTypes.StringType)
          .add("message_id", DataTypes.StringType)
          .add("timestamp", DataTypes.TimestampType)
          .add("reason", DataTypes.StringType);

  private static Row row(String id, String time, String file, String raw, String reason) {
    return RowFactory.create(file, raw, id, Timestamp.valueOf("2026-03-10 " + time), reason);
  }

  private static Row row(String id, String time, String file, String raw) {
    return row(id, time, file, raw, null);
  }

  private static final List<Row> INPUT =
      List.of(
          // m1: the later one loses.
          row("m1", "10:00:00", "a.json", "m1-late"),
          row("m1", "09:00:00", "a.json", "m1-early"),
          // m2: same time, the later source file loses.
          row("m2", "09:00:00", "b.json", "m2-b"),
          row("m2", "09:00:00", "a.json", "m2-a"),
          // m3: same time and file, the larger raw text loses.
          row("m3", "09:00:00", "a.json", "m3-y"),
          row("m3", "09:00:00", "a.json", "m3-x"),
          // m4: the same line twice: exactly one loses.
          row("m4", "09:00:00", "a.json", "m4-same"),
          row("m4", "09:00:00", "a.json", "m4-same"),
          // m5: a rejected row does not count against the valid one, and is not a duplicate itself.
          row("m5", "09:00:00", "a.json", "m5-valid"),
          row("m5", "08:00:00", "a.json", "m5-invalid", "bad_timestamp"),
          // m6, m7: accepted on an earlier day: every valid row is a duplicate.
          row("m6", "09:00:00", "a.json", "m6-known"),
          row("m7", "09:00:00", "a.json", "m7-known-1"),
          row("m7", "10:00:00", "a.json", "m7-known-2"),
          // m8 once; no id; m9 rejected twice.
          row("m8", "09:00:00", "a.json", "m8-once"),
          row(null, "09:00:00", "a.json", "no-id", "missing_message_id"),
          row("m9", "09:00:00", "a.json", "m9-bad-1", "unknown_type"),
          row("m9", "09:00:00", "a.json", "m9-bad-2", "unknown_type"));

  /**
   * 6 duplicate ids (m1, m2, m3, m4, m6, m7) with 7 losing rows. limit 10: the losers' row ids are
   * joined back. limits 6 and 0: the 7 losers do not fit, every row is ranked.
   */
  @ParameterizedTest
  @CsvSource({"10, false", "6, true", "0, true"})
  void marksTheLaterRowsAndTheKnownIds(int limit, boolean everyRowRanked) {
    var spark = SparkTestSupport.spark();
    Dataset<Row> classified =
        EventParsing.withRowIds(spark.createDataFrame(INPUT, CLASSIFIED).repartition(3)).cache();
    Dataset<Row> known =
        spark.createDataFrame(
            List.of(RowFactory.create("m6"), RowFactory.create("m7"), RowFactory.create("m99")),
            new StructType().add("message_id", DataTypes.StringType));
    try {
      EventParsing.Marked marked = EventParsing.markDuplicates(classified, known, limit);
      assertEquals(everyRowRanked, marked.everyRowRanked());
      List<Row> rows = marked.rows().select("raw", "duplicate").collectAsList();
      assertEquals(INPUT.size(), rows.size(), "every row once");
      Set<String> duplicates = new TreeSet<>();
      List<Boolean> sameLine = new ArrayList<>();
      for (Row r : rows) {
        if (r.getString(0).equals("m4-same")) {
          sameLine.add(r.getBoolean(1));
        } else if (r.getBoolean(1)) {
          duplicates.add(r.getString(0));
        }
      }
      assertEquals(
          new TreeSet<>(List.of("m1-late", "m2-b", "m3-y", "m6-known", "m7-known-1", "m7-known-2")),
          duplicates);
      assertEquals(
          1,
          sameLine.stream().filter(b -> b).count(),
          "one of the two identical lines: " + sameLine);
      assertEquals(
          List.of("duplicate", "message_id", "raw", "reason", "source_file", "timestamp"),
          new TreeSet<>(List.of(marked.rows().columns())).stream().toList(),
          "no helper column left");
      marked.release();
    } finally {
      classified.unpersist();
    }
  }

  @ParameterizedTest
  @CsvSource({"10", "0"})
  void aDayWithoutDuplicatesMarksNothing(int limit) {
    var spark = SparkTestSupport.spark();
    Dataset<Row> classified =
        EventParsing.withRowIds(
                spark.createDataFrame(
                    List.of(
                        row("a", "09:00:00", "a.json", "a"),
                        row("b", "09:00:00", "a.json", "b"),
                        row("b", "09:00:00", "a.json", "b-bad", "unknown_type")),
                    CLASSIFIED))
            .cache();
    Dataset<Row> noneKnown =
        spark.createDataFrame(List.of(), new StructType().add("message_id", DataTypes.StringType));
    try {
      EventParsing.Marked marked = EventParsing.markDuplicates(classified, noneKnown, limit);
      assertEquals(false, marked.everyRowRanked(), "no candidates fit any limit");
      assertEquals(0, marked.rows().where("duplicate").count());
      assertEquals(3, marked.rows().count());
    } finally {
      classified.unpersist();
    }
  }
}
