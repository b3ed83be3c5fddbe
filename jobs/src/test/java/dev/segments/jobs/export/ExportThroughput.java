package dev.segments.jobs.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segments.common.testing.SparkTestSupport;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export benchmark (scripts/bench-export.sh; not part of the suite: its name does not end in
 * Test): {@code export.bench.records} users (default 100,000), all in active_users and one in five
 * in most_engaged_users, synced to the fake HubSpot and the fake Segment on D1 (every record), then
 * on D2, when one user in ten has a new score and one in twenty left most_engaged_users. Prints the
 * time per phase and records per second; checks that every record was acknowledged.
 */
class ExportThroughput {
  @TempDir Path dir;

  @Test
  void throughput() {
    int n = Integer.getInteger("export.bench.records", 100_000);
    ExportFixture f = new ExportFixture(dir);
    write(SparkTestSupport.spark(), f, n);
    List<String> report = new ArrayList<>();
    try (FakeHubSpot hub = new FakeHubSpot(ExportFixture.TOKEN);
        FakeSegment seg = new FakeSegment(ExportFixture.TOKEN)) {
      String limits = ", rate-limit { requests = 1000000, period = 1s }, concurrency = 4";
      Map<String, String> dest =
          Map.of(
              "crm",
              "{ type = hubspot, base-url = \""
                  + hub.baseUrl()
                  + "\", credential-env = SEGMENTS_TEST_TOKEN, user-id-column = user_id,"
                  + " user-id-property = segments_user_id, entities = [user],"
                  + " segments = [active_users, most_engaged_users], fields = [engagement_score]"
                  + limits
                  + " }",
              "cdp",
              "{ type = segment, base-url = \""
                  + seg.baseUrl()
                  + "\", credential-env = SEGMENTS_TEST_TOKEN, entities = [user],"
                  + " segments = [active_users, most_engaged_users], fields = [engagement_score]"
                  + limits
                  + " }");
      for (var day : List.of(ExportFixture.D1, ExportFixture.D2)) {
        long t0 = System.nanoTime();
        String out = f.export(dest, day);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        report.add(day + ": " + ms + " ms in all\n" + out);
        for (Row r : f.table("export_runs")) {
          if (r.getDate(r.fieldIndex("as_of_date")).toLocalDate().equals(day)) {
            long sent = r.getLong(r.fieldIndex("sent"));
            long took = r.getLong(r.fieldIndex("duration_ms"));
            report.add(
                String.format(
                    "  %s: %d records in %d ms = %.0f records/s, %d requests",
                    r.getString(r.fieldIndex("destination")),
                    sent,
                    took,
                    sent * 1000.0 / Math.max(1, took),
                    r.getLong(r.fieldIndex("requests"))));
            assertEquals(sent, r.getLong(r.fieldIndex("acknowledged")), r.toString());
          }
        }
      }
      long upserted = 0;
      for (FakeApi.Request r : hub.answered("POST", "/crm/v3/objects/contacts/batch/upsert")) {
        JsonNode inputs = r.json().path("inputs");
        upserted += inputs.size();
      }
      report.add(
          "HubSpot upserts received: " + upserted + "; Segment events: " + seg.events.size());
    }
    System.out.println("export throughput (" + n + " users):\n" + String.join("\n", report));
  }

  /** Overwrites the fixture's tables with n users on D1 and D2. */
  private static void write(SparkSession spark, ExportFixture f, int n) {
    Timestamp created = Timestamp.valueOf("2026-01-01 00:00:00");
    Dataset<Row> users =
        spark
            .range(n)
            .select(
                col("id"),
                concat(lit("u"), col("id").cast("string")).as("user_id"),
                concat(lit("a"), col("id").mod(1000).cast("string")).as("account_id"));
    List<Dataset<Row>> members = new ArrayList<>();
    List<Dataset<Row>> features = new ArrayList<>();
    List<Dataset<Row>> scores = new ArrayList<>();
    for (int day = 0; day < 2; day++) {
      Date d = Date.valueOf(day == 0 ? ExportFixture.D1 : ExportFixture.D2);
      Column engaged =
          day == 0
              ? col("id").mod(5).equalTo(0)
              : col("id").mod(5).equalTo(0).and(col("id").mod(20).notEqual(0));
      Column score =
          day == 0
              ? col("id").mod(100).cast("int")
              : when(col("id").mod(10).equalTo(3), col("id").mod(100).plus(1))
                  .otherwise(col("id").mod(100))
                  .cast("int");
      members.add(
          users.select(
              lit(d).as("as_of_date"),
              explode(
                      when(
                              engaged,
                              org.apache.spark.sql.functions.array(
                                  lit("active_users"), lit("most_engaged_users")))
                          .otherwise(org.apache.spark.sql.functions.array(lit("active_users"))))
                  .as("segment_id"),
              lit("user").as("entity"),
              col("user_id").as("entity_id")));
      features.add(
          users.select(
              lit(d).as("as_of_date"),
              col("user_id"),
              col("account_id"),
              lit(created).as("first_seen"),
              lit(created).as("created_at"),
              concat(col("user_id"), lit("@example.com")).as("email")));
      scores.add(
          users.select(
              lit(d).as("as_of_date"),
              lit("default").as("workspace"),
              col("user_id"),
              col("account_id"),
              score.as("engagement_score")));
    }
    save(f, "segment_members", members.get(0).unionByName(members.get(1)));
    save(f, "user_features", features.get(0).unionByName(features.get(1)));
    save(f, "user_scores", scores.get(0).unionByName(scores.get(1)));
  }

  private static void save(ExportFixture f, String table, Dataset<Row> rows) {
    rows.repartition(2)
        .write()
        .format("delta")
        .mode("overwrite")
        .option("overwriteSchema", "true")
        .save(f.warehouse.resolve(table).toString());
  }
}
