package dev.segments.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segments.common.testing.SparkTestSupport;
import dev.segments.jobs.TestRuns;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Lines as files from other tools write them, parsed on an in-memory frame. */
class EventParsingTest {
  @Test
  void aByteOrderMarkIsNotPartOfTheLine() {
    String event = TestRuns.track("m1", "2026-04-03T10:00:00Z", "u1", "login");
    StructType lines =
        new StructType().add("source_file", DataTypes.StringType).add("raw", DataTypes.StringType);
    List<Row> rows =
        EventParsing.parseJson(
                SparkTestSupport.spark()
                    .createDataFrame(
                        List.of(
                            RowFactory.create("f", "\uFEFF" + event),
                            RowFactory.create("f", event),
                            RowFactory.create("f", "\uFEFF"),
                            RowFactory.create("f", "")),
                        lines))
            .collectAsList();
    // The first two parse to the same event; the mark alone and the empty line do not parse.
    assertEquals(
        List.of("m1", "m1", "null", "null"),
        rows.stream()
            .map(r -> r.isNullAt(2) ? "null" : r.getStruct(2).getAs("messageId").toString())
            .toList());
    // The raw text is kept as it came (the quarantine shows it).
    assertEquals("\uFEFF" + event, rows.get(0).getString(1));
  }
}
