package dev.segments.jobs.ingest;

import static dev.segments.jobs.TestRuns.group;
import static dev.segments.jobs.TestRuns.identify;
import static dev.segments.jobs.TestRuns.track;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segments.common.tables.TableNames;
import dev.segments.common.testing.SparkTestSupport;
import dev.segments.jobs.TestRuns;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingest on hand-written input: every reject reason, duplicates, late events, traits, reruns. */
class IngestTest {
  @TempDir static Path dir;
  static TestRuns runs;
  static final Date D = Date.valueOf("2026-03-10");

  @BeforeAll
  static void ingestTwoDays() {
    runs = new TestRuns(dir.resolve("in"), dir.resolve("wh"));
    runs.day(
        "2026-03-09",
        track("m-old", "2026-03-09T08:00:00Z", "u1", "login"),
        identify(
            "m-id1",
            "2026-03-09T08:00:00Z",
            "u1",
            "{\"plan\":\"pro\",\"role\":\"admin\",\"created_at\":\"2026-01-01T00:00:00Z\"}"),
        group("m-g1", "2026-03-09T08:01:00Z", "u1", "acme", "{}"),
        group(
            "m-g2", "2026-03-09T08:02:00Z", null, "acme", "{\"plan\":\"free\",\"name\":\"Acme\"}"));
    runs.day(
        "2026-03-10",
        track("m-ok", "2026-03-10T10:00:00Z", "u1", "login"),
        "not json at all",
        "[1,2,3]",
        "{\"type\":\"track\",\"timestamp\":\"2026-03-10T10:00:00Z\",\"userId\":\"u1\",\"event\":\"login\"}",
        "{\"type\":\"screen\",\"messageId\":\"m-screen\",\"timestamp\":\"2026-03-10T10:00:00Z\",\"userId\":\"u1\"}",
        "{\"messageId\":\"m-notype\",\"timestamp\":\"2026-03-10T10:00:00Z\",\"userId\":\"u1\",\"event\":\"x\"}",
        "{\"type\":\"track\",\"messageId\":\"m-nouser\",\"timestamp\":\"2026-03-10T10:00:00Z\",\"event\":\"login\"}",
        "{\"type\":\"identify\",\"messageId\":\"m-noid\",\"timestamp\":\"2026-03-10T10:00:00Z\",\"traits\":{}}",
        "{\"type\":\"group\",\"messageId\":\"m-nogroup\",\"timestamp\":\"2026-03-10T10:00:00Z\",\"userId\":\"u1\",\"traits\":{}}",
        "{\"type\":\"track\",\"messageId\":\"m-noevent\",\"timestamp\":\"2026-03-10T10:00:00Z\",\"userId\":\"u1\"}",
        track("m-badts", "yesterday", "u1", "login"),
        "{\"type\":\"track\",\"messageId\":\"m-nots\",\"userId\":\"u1\",\"event\":\"login\"}",
        track("m-future", "2026-03-11T00:00:01Z", "u1", "login"),
        track("m-offset", "2026-03-11T01:00:00+02:00", "u1", "login"),
        track("m-late", "2026-03-03T10:00:00Z", "u1", "login"),
        track("m-toolate", "2026-03-02T23:59:59Z", "u1", "login"),
        track("m-dup", "2026-03-10T12:00:00Z", "u2", "login"),
        track("m-dup", "2026-03-10T09:00:00Z", "u2", "logout"),
        track("m-old", "2026-03-10T11:00:00Z", "u1", "login"),
        identify("m-id2", "2026-03-10T09:00:00Z", "u1", "{\"role\":\"owner\",\"title\":\"CTO\"}"),
        "{\"type\":\"track\",\"messageId\":\"m-badprops\",\"timestamp\":\"2026-03-10T10:00:00Z\",\"userId\":\"u1\",\"event\":\"x\",\"properties\":\"oops\"}");
    runs.ok("ingest", "--date", "2026-03-09");
    runs.ok("ingest", "--date", "2026-03-10");
  }

  @Test
  void everyRejectReasonIsRecordedWithItsRow() {
    List<Row> rows =
        runs.table(TableNames.EVENTS_REJECTED)
            .where(col("ingest_date").equalTo(lit(D)))
            .select("reason", "message_id")
            .orderBy("reason", "message_id", "raw")
            .collectAsList();
    List<String> actual = rows.stream().map(r -> r.getString(0) + "/" + r.getString(1)).toList();
    assertEquals(
        List.of(
            "bad_timestamp/m-badts",
            "bad_timestamp/m-nots",
            "duplicate_message_id/m-dup",
            "duplicate_message_id/m-old",
            "future_timestamp/m-future",
            "invalid_json/null",
            "invalid_json/null",
            "invalid_json/null",
            "missing_event/m-noevent",
            "missing_group_id/m-nogroup",
            "missing_message_id/null",
            "missing_user_id/m-noid",
            "missing_user_id/m-nouser",
            "too_late/m-toolate",
            "unknown_type/m-notype",
            "unknown_type/m-screen"),
        actual);
    // The raw text is kept: the duplicate that lost is the later one (12:00), not the first line.
    Row lostDuplicate =
        runs.table(TableNames.EVENTS_REJECTED)
            .where(col("message_id").equalTo("m-dup"))
            .select("raw", "source_file")
            .first();
    assertEquals(track("m-dup", "2026-03-10T12:00:00Z", "u2", "login"), lostDuplicate.getString(0));
    assertEquals(
        true,
        lostDuplicate.getString(1).endsWith("dt=2026-03-10/part-0.json"),
        lostDuplicate.getString(1));
  }

  @Test
  void acceptedEventsLandOnTheirOwnUtcDay() {
    List<String> actual =
        runs
            .table(TableNames.EVENTS)
            .where(col("ingest_date").equalTo(lit(D)))
            .select(
                col("message_id"),
                col("type"),
                col("event_date"),
                date_format(col("timestamp"), "yyyy-MM-dd'T'HH:mm:ss").as("ts"),
                col("event"))
            .orderBy("message_id")
            .collectAsList()
            .stream()
            .map(r -> r.get(0) + " " + r.get(1) + " " + r.get(2) + " " + r.get(3) + " " + r.get(4))
            .toList();
    assertEquals(
        List.of(
            "m-dup track 2026-03-10 2026-03-10T09:00:00 logout",
            "m-id2 identify 2026-03-10 2026-03-10T09:00:00 null",
            "m-late track 2026-03-03 2026-03-03T10:00:00 login",
            "m-offset track 2026-03-10 2026-03-10T23:00:00 login",
            "m-ok track 2026-03-10 2026-03-10T10:00:00 login"),
        actual);
  }

  @Test
  void summaryBalancesAndRecordsTouchedDays() {
    Row run = runs.table(TableNames.INGEST_RUNS).where(col("ingest_date").equalTo(lit(D))).first();
    assertEquals(21L, run.getLong(run.fieldIndex("read")));
    assertEquals(5L, run.getLong(run.fieldIndex("accepted")));
    assertEquals(2L, run.getLong(run.fieldIndex("duplicates")));
    assertEquals(14L, run.getLong(run.fieldIndex("rejected")));
    Map<String, Long> expected = new HashMap<>();
    expected.put("invalid_json", 3L);
    expected.put("missing_message_id", 1L);
    expected.put("unknown_type", 2L);
    expected.put("missing_user_id", 2L);
    expected.put("missing_group_id", 1L);
    expected.put("missing_event", 1L);
    expected.put("bad_timestamp", 2L);
    expected.put("future_timestamp", 1L);
    expected.put("too_late", 1L);
    assertEquals(expected, run.getJavaMap(run.fieldIndex("rejected_by_reason")));
    assertEquals(
        List.of(Date.valueOf("2026-03-03"), Date.valueOf("2026-03-10")),
        new ArrayList<>(run.getList(run.fieldIndex("touched_dates"))));
  }

  @Test
  void traitsKeepTheLatestValuePerKey() {
    Row u1 = runs.table(TableNames.USER_TRAITS).where(col("user_id").equalTo("u1")).first();
    assertEquals(
        Map.of(
            "plan", "pro", "role", "owner", "created_at", "2026-01-01T00:00:00Z", "title", "CTO"),
        u1.getJavaMap(u1.fieldIndex("traits")));
    assertEquals("owner", u1.getString(u1.fieldIndex("role")));
    assertEquals(
        java.sql.Timestamp.valueOf("2026-01-01 00:00:00"),
        u1.getTimestamp(u1.fieldIndex("created_at")));
    Row acme =
        runs.table(TableNames.ACCOUNT_TRAITS).where(col("account_id").equalTo("acme")).first();
    assertEquals(
        Map.of("plan", "free", "name", "Acme"), acme.getJavaMap(acme.fieldIndex("traits")));
    assertEquals("free", acme.getString(acme.fieldIndex("plan")));
    List<String> members =
        runs.table(TableNames.MEMBERSHIPS).select("user_id", "account_id").collectAsList().stream()
            .map(r -> r.getString(0) + "->" + r.getString(1))
            .toList();
    assertEquals(List.of("u1->acme"), members);
  }

  @Test
  void rerunningADayGivesIdenticalTables() {
    Map<String, Dataset<Row>> before = new HashMap<>();
    for (String t :
        List.of(
            TableNames.EVENTS,
            TableNames.EVENTS_REJECTED,
            TableNames.INGEST_RUNS,
            TableNames.USER_TRAITS,
            TableNames.ACCOUNT_TRAITS,
            TableNames.MEMBERSHIPS)) {
      Dataset<Row> current = runs.table(t);
      before.put(
          t, SparkTestSupport.spark().createDataFrame(current.collectAsList(), current.schema()));
    }
    runs.ok("ingest", "--date", "2026-03-10");
    for (Map.Entry<String, Dataset<Row>> e : before.entrySet()) {
      SparkTestSupport.assertSameRows(e.getValue(), runs.table(e.getKey()));
    }
    assertEquals(
        1L, runs.table(TableNames.INGEST_RUNS).where(col("ingest_date").equalTo(lit(D))).count());
  }

  @Test
  void missingInputFolderFailsUnlessAllowed() {
    assertEquals(1, runs.run("ingest", "--date", "2026-03-20"));
    TestRuns lenient =
        new TestRuns(
            dir.resolve("in"), dir.resolve("wh-lenient"), "-Dinput.allow-missing-day=true");
    lenient.ok("ingest", "--date", "2026-03-20");
    Row run = lenient.table(TableNames.INGEST_RUNS).first();
    assertEquals(0L, run.getLong(run.fieldIndex("read")));
    assertEquals(
        List.of(),
        run.getList(run.fieldIndex("touched_dates")).stream().collect(Collectors.toList()));
  }
}
