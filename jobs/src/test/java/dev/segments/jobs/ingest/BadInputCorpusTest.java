package dev.segments.jobs.ingest;

import static dev.segments.jobs.TestRuns.track;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.common.tables.TableNames;
import dev.segments.common.testing.SparkTestSupport;
import dev.segments.jobs.TestRuns;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The input that real pipelines receive on bad nights, ingested by the run's own command. Every
 * line of the corpus carries the outcome worked out for it by hand (accepted, duplicate or the
 * reason); no run crashes, and every row is accounted for: read = accepted + duplicates + rejected,
 * each reason's count as expected.
 */
class BadInputCorpusTest {
  @TempDir static Path dir;
  static TestRuns runs;
  static TestRuns strict;
  static final String D1 = "2026-04-01";
  static final String D2 = "2026-04-02";

  /** Each line written for a day, with its expected outcome. */
  static final Map<String, Map<String, Long>> EXPECTED = new TreeMap<>();

  static final Map<String, Integer> EXIT = new TreeMap<>();

  static void expect(String day, String outcome) {
    EXPECTED.computeIfAbsent(day, d -> new TreeMap<>()).merge(outcome, 1L, Long::sum);
  }

  static String ok(String id, String day) {
    return track(id, day + "T10:00:00Z", "u1", "login");
  }

  static void write(String day, String name, byte[] bytes) throws IOException {
    Path file = runs.input().resolve("dt=" + day).resolve(name);
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(utf8(text));
    }
    return out.toByteArray();
  }

  static String trackWith(String id, String fieldsJson) {
    return "{\"type\":\"track\",\"messageId\":\"" + id + "\"," + fieldsJson + "}";
  }

  @BeforeAll
  static void ingestTheCorpus() throws IOException {
    runs = new TestRuns(dir.resolve("in"), dir.resolve("wh"));
    strict =
        new TestRuns(
            dir.resolve("in"),
            dir.resolve("wh-strict"),
            "-Dingest.timestamps-without-offset=reject");
    List<String> lines = new ArrayList<>();
    // 1. Invalid JSON, a JSON array, a string where properties (an object) belongs.
    lines.add("{\"type\":\"track\",\"messageId\":\"cut");
    lines.add("[1,2,3]");
    lines.add(
        trackWith(
            "badprops",
            "\"timestamp\":\"2026-04-01T10:00:00Z\",\"userId\":\"u1\","
                + "\"event\":\"x\",\"properties\":\"oops\""));
    for (int i = 0; i < 3; i++) {
      expect(D1, "invalid_json");
    }
    // 2. A timestamp without offset: taken as UTC (10:00 UTC) by default.
    lines.add(track("nooffset", "2026-04-01T10:00:00", "u1", "login"));
    expect(D1, "accepted");
    // 3. userId missing, null, empty, and a number (kept as its text "42").
    lines.add(trackWith("nouser", "\"timestamp\":\"2026-04-01T10:00:00Z\",\"event\":\"x\""));
    lines.add(
        trackWith(
            "nulluser",
            "\"timestamp\":\"2026-04-01T10:00:00Z\",\"userId\":null," + "\"event\":\"x\""));
    lines.add(
        trackWith(
            "emptyuser",
            "\"timestamp\":\"2026-04-01T10:00:00Z\",\"userId\":\" \"," + "\"event\":\"x\""));
    expect(D1, "missing_user_id");
    expect(D1, "missing_user_id");
    expect(D1, "missing_user_id");
    lines.add(
        trackWith(
            "numberuser",
            "\"timestamp\":\"2026-04-01T10:00:00Z\",\"userId\":42," + "\"event\":\"x\""));
    expect(D1, "accepted");
    // 4. event missing, null; an event that is a number (kept as "7").
    lines.add(trackWith("noevent", "\"timestamp\":\"2026-04-01T10:00:00Z\",\"userId\":\"u1\""));
    lines.add(
        trackWith(
            "nullevent",
            "\"timestamp\":\"2026-04-01T10:00:00Z\",\"userId\":\"u1\"," + "\"event\":null"));
    expect(D1, "missing_event");
    expect(D1, "missing_event");
    lines.add(
        trackWith(
            "numberevent",
            "\"timestamp\":\"2026-04-01T10:00:00Z\",\"userId\":\"u1\"," + "\"event\":7"));
    expect(D1, "accepted");
    // 5. timestamp missing, null, a number (epoch seconds are not ISO-8601), not a date.
    lines.add(trackWith("nots", "\"userId\":\"u1\",\"event\":\"x\""));
    lines.add(trackWith("nullts", "\"timestamp\":null,\"userId\":\"u1\",\"event\":\"x\""));
    lines.add(trackWith("epochts", "\"timestamp\":1775037600,\"userId\":\"u1\",\"event\":\"x\""));
    lines.add(trackWith("wordts", "\"timestamp\":\"soon\",\"userId\":\"u1\",\"event\":\"x\""));
    for (int i = 0; i < 4; i++) {
      expect(D1, "bad_timestamp");
    }
    // 6. Far in the future, and before 2000.
    lines.add(track("future", "2099-01-01T00:00:00Z", "u1", "login"));
    expect(D1, "future_timestamp");
    lines.add(track("y1999", "1999-12-31T23:59:59Z", "u1", "login"));
    expect(D1, "too_late");
    // 7. An unknown type, and no type.
    lines.add(
        "{\"type\":\"page\",\"messageId\":\"page\",\"timestamp\":\"2026-04-01T10:00:00Z\","
            + "\"userId\":\"u1\"}");
    lines.add(
        "{\"messageId\":\"notype\",\"timestamp\":\"2026-04-01T10:00:00Z\",\"userId\":\"u1\","
            + "\"event\":\"x\"}");
    expect(D1, "unknown_type");
    expect(D1, "unknown_type");
    // 8. No messageId.
    lines.add(
        "{\"type\":\"track\",\"timestamp\":\"2026-04-01T10:00:00Z\",\"userId\":\"u1\","
            + "\"event\":\"x\"}");
    expect(D1, "missing_message_id");
    // 9. A duplicate messageId inside the day: the later one loses.
    lines.add(track("dup", "2026-04-01T09:00:00Z", "u1", "login"));
    lines.add(track("dup", "2026-04-01T11:00:00Z", "u1", "login"));
    expect(D1, "accepted");
    expect(D1, "duplicate");
    // 10. A 5 MB line, accepted whole.
    lines.add(
        trackWith(
            "big",
            "\"timestamp\":\"2026-04-01T10:00:00Z\",\"userId\":\"u1\","
                + "\"event\":\"x\",\"properties\":{\"blob\":\""
                + "x".repeat(5 * 1024 * 1024)
                + "\"}"));
    expect(D1, "accepted");
    // 11. Properties nested 100 deep (kept as JSON text), and 2,000 deep (beyond the JSON
    // parser's nesting limit of 1,000: rejected, not a crash).
    lines.add(
        trackWith(
            "deep100",
            "\"timestamp\":\"2026-04-01T10:00:00Z\",\"userId\":\"u1\","
                + "\"event\":\"x\",\"properties\":{\"p\":"
                + nested(100)
                + "}"));
    expect(D1, "accepted");
    lines.add(
        trackWith(
            "deep2000",
            "\"timestamp\":\"2026-04-01T10:00:00Z\",\"userId\":\"u1\","
                + "\"event\":\"x\",\"properties\":{\"p\":"
                + nested(2000)
                + "}"));
    expect(D1, "invalid_json");
    // 12. Blank lines (not rows: skipped, not counted) between and after the lines.
    String main = String.join("\n\n", lines) + "\n\n   \n";
    write(D1, "part-0.json", utf8(main));

    // 13. A byte-order mark and CRLF line endings (Windows tools), with a blank CRLF line.
    ByteArrayOutputStream windows = new ByteArrayOutputStream();
    windows.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    windows.write(utf8(ok("crlf1", D1) + "\r\n\r\n" + ok("crlf2", D1) + "\r\n"));
    write(D1, "windows.json", windows.toByteArray());
    expect(D1, "accepted");
    expect(D1, "accepted");
    // 14. Non-UTF-8 bytes (Latin-1 "é" in a userId): rejected, as "u?" would be another user
    // than the "ué" sent as UTF-8.
    write(
        D1,
        "latin1.json",
        ("{\"type\":\"track\",\"messageId\":\"latin\",\"timestamp\":\"2026-04-01T10:00:00Z\","
                + "\"userId\":\"u\u00e9\",\"event\":\"login\"}\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    expect(D1, "invalid_utf8");
    // 15. A good gzip file, a truncated one (its first half: one row naming it, the good file
    // read), and a zero-byte gzip (no lines, skipped).
    write(D1, "good.json.gz", gzip(ok("gz1", D1) + "\n" + ok("gz2", D1) + "\n"));
    expect(D1, "accepted");
    expect(D1, "accepted");
    byte[] whole = gzip(ok("tr1", D1) + "\n" + ok("tr2", D1) + "\n" + "x".repeat(4000) + "\n");
    write(D1, "truncated.json.gz", Arrays.copyOf(whole, whole.length / 2));
    expect(D1, "unreadable_file");
    write(D1, "zero.json.gz", new byte[0]);
    // 16. An empty file.
    write(D1, "empty.json", new byte[0]);
    // 17. A folder where a file is expected: one row naming it, its file not read.
    write(D1, "late/part-0.json", utf8(ok("insub", D1) + "\n"));
    expect(D1, "not_a_file");
    // 18. Spark's marker files are not input.
    write(D1, "_SUCCESS", new byte[0]);

    // 19. Day 2: a messageId accepted on day 1 comes again (a duplicate across days), and a new
    // one.
    // 20. Schema drift, with no change of configuration: a trait nobody configured, a configured
    // timestamp trait (created_at) sent as a word, and a property key never seen before.
    String drift =
        dev.segments.jobs.TestRuns.identify(
                "drift",
                D2 + "T09:00:00Z",
                "u7",
                "{\"favourite_colour\":\"teal\",\"created_at\":\"yesterday\"}")
            + "\n"
            + trackWith(
                "newprop",
                "\"timestamp\":\"2026-04-02T10:00:00Z\",\"userId\":\"u7\",\"event\":\"x\","
                    + "\"properties\":{\"brand_new_key\":\"v\"}")
            + "\n";
    write(D2, "part-0.json", utf8(ok("gz1", D2) + "\n" + ok("d2new", D2) + "\n" + drift));
    expect(D2, "duplicate");
    expect(D2, "accepted");
    expect(D2, "accepted");
    expect(D2, "accepted");

    for (String day : List.of(D1, D2)) {
      EXIT.put(day, runs.run("ingest", "--date", day));
    }
    EXIT.put("strict " + D1, strict.run("ingest", "--date", D1));
  }

  static String nested(int depth) {
    return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
  }

  private static Map<String, Long> outcomes(TestRuns r, String day) {
    Map<String, Long> out = new TreeMap<>();
    Row run = summary(r, day);
    out.put("accepted", run.getLong(run.fieldIndex("accepted")));
    out.put("duplicate", run.getLong(run.fieldIndex("duplicates")));
    Map<String, Long> reasons = run.getJavaMap(run.fieldIndex("rejected_by_reason"));
    out.putAll(reasons);
    out.values().removeIf(v -> v == 0L);
    return out;
  }

  private static Row summary(TestRuns r, String day) {
    return r.table(TableNames.INGEST_RUNS)
        .where(col("ingest_date").equalTo(lit(Date.valueOf(day))))
        .first();
  }

  @Test
  void noRunFails() {
    assertEquals(Map.of(D1, 0, D2, 0, "strict " + D1, 0), EXIT);
  }

  @Test
  void everyRowIsAccountedForWithItsReason() {
    for (String day : List.of(D1, D2)) {
      Map<String, Long> expected = EXPECTED.get(day);
      assertEquals(expected, outcomes(runs, day), day);
      long lines = EXPECTED.get(day).values().stream().mapToLong(Long::longValue).sum();
      Row run = summary(runs, day);
      assertEquals(lines, run.getLong(run.fieldIndex("read")), day + ": read");
      // The tables agree with the summary.
      long accepted =
          runs.table(TableNames.EVENTS)
              .where(col("ingest_date").equalTo(lit(Date.valueOf(day))))
              .count();
      long rejected =
          runs.table(TableNames.EVENTS_REJECTED)
              .where(col("ingest_date").equalTo(lit(Date.valueOf(day))))
              .count();
      assertEquals(expected.get("accepted"), accepted, day + ": events");
      assertEquals(lines - accepted, rejected, day + ": events_rejected");
    }
  }

  @Test
  void quarantinedFilesAndFoldersAreNamed() {
    List<Row> rows =
        runs.table(TableNames.EVENTS_REJECTED)
            .where(col("reason").isin("unreadable_file", "not_a_file"))
            .select("reason", "source_file", "raw")
            .orderBy("reason")
            .collectAsList();
    assertEquals(2, rows.size(), rows.toString());
    assertEquals("not_a_file", rows.get(0).getString(0));
    assertTrue(rows.get(0).getString(1).endsWith("dt=" + D1 + "/late"), rows.get(0).toString());
    assertEquals("unreadable_file", rows.get(1).getString(0));
    assertTrue(
        rows.get(1).getString(1).endsWith("dt=" + D1 + "/truncated.json.gz"),
        rows.get(1).toString());
    assertTrue(rows.get(1).getString(2).contains("EOF"), "the error is kept: " + rows.get(1));
    // The good gzip's rows and the other files' rows are all read.
    assertEquals(
        List.of("crlf1", "crlf2", "gz1", "gz2"),
        runs
            .table(TableNames.EVENTS)
            .where(col("message_id").isin("crlf1", "crlf2", "gz1", "gz2", "insub", "tr1"))
            .where(col("ingest_date").equalTo(lit(Date.valueOf(D1))))
            .orderBy("message_id")
            .select("message_id")
            .collectAsList()
            .stream()
            .map(r -> r.getString(0))
            .toList());
  }

  @Test
  void valuesOfTheWrongTypeAreKeptAsText() {
    Map<String, String> byId = new TreeMap<>();
    for (Row r :
        runs.table(TableNames.EVENTS)
            .where(col("message_id").isin("numberuser", "numberevent", "nooffset", "deep100"))
            .select(
                col("message_id"),
                col("user_id"),
                col("event"),
                date_format(col("timestamp"), "HH:mm").as("t"),
                col("properties").getItem("p").as("p"))
            .collectAsList()) {
      byId.put(
          r.getString(0),
          r.getString(1)
              + "|"
              + r.getString(2)
              + "|"
              + r.getString(3)
              + "|"
              + (r.getString(4) == null ? "-" : r.getString(4).length()));
    }
    // deep100's p is the nested object as compact JSON: {"a": (5 characters) a level, then 1,
    // then } a level.
    int deepText = 100 * 5 + 1 + 100;
    assertEquals(
        Map.of(
            "numberuser", "42|x|10:00|-",
            "numberevent", "u1|7|10:00|-",
            "nooffset", "u1|login|10:00|-",
            "deep100", "u1|x|10:00|" + deepText),
        byId);
  }

  /**
   * New trait names and property keys are kept without configuration; a configured trait whose
   * value does not cast reads as null in its typed column and keeps its text.
   */
  @Test
  void schemaDriftIsKeptNotFatal() {
    Row u7 = runs.table(TableNames.USER_TRAITS).where(col("user_id").equalTo("u7")).first();
    Map<String, String> traits = u7.getJavaMap(u7.fieldIndex("traits"));
    assertEquals("teal", traits.get("favourite_colour"));
    assertEquals("yesterday", traits.get("created_at"));
    assertEquals(
        null, (Object) u7.getAs("created_at"), "not a timestamp: null in the typed column");
    Row newprop = runs.table(TableNames.EVENTS).where(col("message_id").equalTo("newprop")).first();
    assertEquals(
        "v",
        newprop.<String, String>getJavaMap(newprop.fieldIndex("properties")).get("brand_new_key"));
  }

  @Test
  void aTimestampWithoutOffsetIsRejectedWhenConfigured() {
    Map<String, Long> strictOutcomes = outcomes(strict, D1);
    assertEquals(1L, strictOutcomes.get("timestamp_without_offset"), strictOutcomes.toString());
    Map<String, Long> lenient = outcomes(runs, D1);
    assertEquals(lenient.get("accepted") - 1, strictOutcomes.get("accepted"));
    assertEquals(
        "nooffset",
        strict
            .table(TableNames.EVENTS_REJECTED)
            .where(col("reason").equalTo("timestamp_without_offset"))
            .first()
            .getAs("message_id"));
  }

  @Test
  void aMissingDayFolderIsAnErrorOrAnEmptyDayByConfiguration() {
    assertEquals(1, runs.run("ingest", "--date", "2026-04-09"));
    TestRuns lenient =
        new TestRuns(
            dir.resolve("in"), dir.resolve("wh-lenient"), "-Dinput.allow-missing-day=true");
    lenient.ok("ingest", "--date", "2026-04-09");
    Row run = summary(lenient, "2026-04-09");
    assertEquals(0L, run.getLong(run.fieldIndex("read")));
  }

  /**
   * Parquet input whose second file has other columns: a file with other column names gives rows
   * without those fields, each rejected with its reason; a file that is not Parquet is quarantined
   * whole.
   */
  @Test
  void parquetFilesWithAnotherSchemaAreAccountedFor() throws IOException {
    Path in = dir.resolve("in-parquet");
    String day = in.resolve("dt=" + D1).toString();
    parquetFile(
        day,
        "a",
        EVENT_TEXT,
        List.of(
            RowFactory.create("track", "p1", "2026-04-01T10:00:00Z", "u1", "login"),
            RowFactory.create("track", "p2", "2026-04-01T11:00:00Z", "u2", "login")));
    // Other names: no messageId column, so each row is missing_message_id.
    StructType renamed =
        new StructType()
            .add("kind", DataTypes.StringType)
            .add("id", DataTypes.StringType)
            .add("ts", DataTypes.StringType);
    parquetFile(
        day, "b", renamed, List.of(RowFactory.create("track", "q1", "2026-04-01T10:00:00Z")));
    // Not Parquet at all: quarantined.
    Files.write(Path.of(day, "c.parquet"), utf8("this is not parquet\n"));
    TestRuns parquet = new TestRuns(in, dir.resolve("wh-parquet"), "-Dinput.format=parquet");
    parquet.ok("ingest", "--date", D1);
    Map<String, Long> out = outcomes(parquet, D1);
    assertEquals(
        Map.of("accepted", 2L, "missing_message_id", 1L, "unreadable_file", 1L), out, "outcomes");
    assertEquals(4L, summary(parquet, D1).getLong(summary(parquet, D1).fieldIndex("read")));
  }

  /**
   * Two producers that give one column two types (userId as text in one file, as int64 in the
   * other; timestamp as text and as a Parquet timestamp): Spark cannot merge the schemas, so each
   * file is read on its own with those columns as text. Every row is accepted, the number as the id
   * "42", as a JSON number is.
   */
  @Test
  void parquetFilesThatGiveAColumnTwoTypesAreReadAsText() throws IOException {
    Path in = dir.resolve("in-parquet-types");
    String day = in.resolve("dt=" + D1).toString();
    parquetFile(
        day,
        "a",
        EVENT_TEXT,
        List.of(RowFactory.create("track", "t1", "2026-04-01T10:00:00Z", "u1", "login")));
    StructType typed =
        new StructType()
            .add("type", DataTypes.StringType)
            .add("messageId", DataTypes.StringType)
            .add("timestamp", DataTypes.TimestampType)
            .add("userId", DataTypes.LongType)
            .add("event", DataTypes.StringType);
    parquetFile(
        day,
        "b",
        typed,
        List.of(
            RowFactory.create(
                "track",
                "t2",
                java.sql.Timestamp.from(java.time.Instant.parse("2026-04-01T11:00:00Z")),
                42L,
                "login")));
    TestRuns parquet = new TestRuns(in, dir.resolve("wh-parquet-types"), "-Dinput.format=parquet");
    parquet.ok("ingest", "--date", D1);
    assertEquals(Map.of("accepted", 2L), outcomes(parquet, D1), "outcomes");
    assertEquals(2L, summary(parquet, D1).getLong(summary(parquet, D1).fieldIndex("read")));
    List<String> ids =
        parquet
            .table(TableNames.EVENTS)
            .select("user_id")
            .orderBy("user_id")
            .collectAsList()
            .stream()
            .map(r -> r.getString(0))
            .toList();
    assertEquals(List.of("42", "u1"), ids);
  }

  /** The columns of the sample events, all text, as a producer writes them. */
  private static final StructType EVENT_TEXT =
      new StructType()
          .add("type", DataTypes.StringType)
          .add("messageId", DataTypes.StringType)
          .add("timestamp", DataTypes.StringType)
          .add("userId", DataTypes.StringType)
          .add("event", DataTypes.StringType);

  /** Writes the rows as one Parquet file {@code <name>.parquet} of the day folder. */
  private static void parquetFile(String day, String name, StructType schema, List<Row> rows)
      throws IOException {
    SparkTestSupport.spark()
        .createDataFrame(rows, schema)
        .coalesce(1)
        .write()
        .parquet(day + "/" + name);
    moveUp(Path.of(day), name, name + ".parquet");
  }

  /** Moves the one Parquet part file of a Spark output folder up into the day folder. */
  private static void moveUp(Path day, String folder, String name) throws IOException {
    try (var files = Files.list(day.resolve(folder))) {
      Path part =
          files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().get();
      Files.move(part, day.resolve(name));
    }
    try (var rest = Files.walk(day.resolve(folder))) {
      rest.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
