package dev.segments.jobs.export;

import dev.segments.common.config.Settings;
import dev.segments.common.config.SettingsLoader;
import dev.segments.common.testing.SparkTestSupport;
import dev.segments.jobs.pipeline.StageContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A small warehouse written by hand for the export tests: the tables the export stage reads
 * (segment_members, segment_changes, the feature and score tables, only the columns it reads) on
 * two dates. Every expected value in the tests is worked out from this:
 *
 * <pre>
 *        email      account  D1 segments              D1 score  D2 segments            D2 score
 *  u1    a@x.com    a1       active, most_engaged     90        active, most_engaged   90
 *  u2    b@x.com    a1       active, most_engaged     80        active                 80
 *  u3    c@x.com    a1       active                   50        active, most_engaged   85
 *  u4    d@x.com    a2       active                   40        active                 45
 *  u5    e@x.com    a2       active                   30        active                 30
 *  u6    f@x.com    a2       active                   20        (none)                 20
 *  u7    (none)     a2       active                   10        active                 10
 *  u8    bad@       a2       active                   15        active                 15
 *  accounts: a1 active_accounts on D1 and D2 (score 70 then 75); a2 on D1 only (score 30).
 * </pre>
 *
 * (active = active_users, most_engaged = most_engaged_users: standard segments of the default
 * workspace.) So on D2, for a destination keyed by email: u2, u3, u4 changed, u6 left, u7 and u8
 * are sent again if they failed; u1 and u5 are unchanged.
 */
final class ExportFixture {
  static final LocalDate D1 = LocalDate.parse("2026-05-01");
  static final LocalDate D2 = LocalDate.parse("2026-05-02");
  static final String TOKEN = "test-secret-token-7f3a9c";

  static final String[][] USERS = {
    {"u1", "a@x.com", "a1"},
    {"u2", "b@x.com", "a1"},
    {"u3", "c@x.com", "a1"},
    {"u4", "d@x.com", "a2"},
    {"u5", "e@x.com", "a2"},
    {"u6", "f@x.com", "a2"},
    {"u7", null, "a2"},
    {"u8", "bad@", "a2"}
  };

  final Path root;
  final Path warehouse;
  final Path segmentsDir;

  /** The tables, written once per JVM; each fixture gets a copy of the files. */
  private static Path template;

  ExportFixture(Path root) {
    this.root = root;
    this.warehouse = root.resolve("wh");
    this.segmentsDir = root.resolve("segments");
    try {
      Files.createDirectories(segmentsDir);
      copy(template(), warehouse);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static synchronized Path template() throws IOException {
    if (template == null) {
      Path t = Files.createTempDirectory("export-fixture");
      write(t);
      template = t;
    }
    return template;
  }

  private static void copy(Path from, Path to) throws IOException {
    try (var paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
  }

  private static void write(Path warehouse) {
    SparkSession spark = SparkTestSupport.spark();
    List<Row> members = new ArrayList<>();
    List<Row> changes = new ArrayList<>();
    List<Row> features = new ArrayList<>();
    List<Row> scores = new ArrayList<>();
    Map<String, int[]> score = new HashMap<>();
    int[][] byUser = {
      {90, 90}, {80, 80}, {50, 85}, {40, 45}, {30, 30}, {20, 20}, {10, 10}, {15, 15}
    };
    for (int i = 0; i < USERS.length; i++) {
      score.put(USERS[i][0], byUser[i]);
    }
    Map<String, List<String>> d1 = new HashMap<>();
    Map<String, List<String>> d2 = new HashMap<>();
    for (String[] u : USERS) {
      d1.put(u[0], new ArrayList<>(List.of("active_users")));
      if (!u[0].equals("u6")) {
        d2.put(u[0], new ArrayList<>(List.of("active_users")));
      }
    }
    d1.get("u1").add("most_engaged_users");
    d1.get("u2").add("most_engaged_users");
    d2.get("u1").add("most_engaged_users");
    d2.get("u3").add("most_engaged_users");
    Timestamp created = Timestamp.valueOf("2026-01-01 00:00:00");
    for (int day = 0; day < 2; day++) {
      LocalDate date = day == 0 ? D1 : D2;
      Date sql = Date.valueOf(date);
      Map<String, List<String>> now = day == 0 ? d1 : d2;
      Map<String, List<String>> before = day == 0 ? Map.of() : d1;
      for (String[] u : USERS) {
        features.add(RowFactory.create(sql, u[0], u[2], created, created, u[1]));
        scores.add(RowFactory.create(sql, "default", u[0], u[2], score.get(u[0])[day]));
        for (String s : now.getOrDefault(u[0], List.of())) {
          members.add(RowFactory.create(sql, s, "user", u[0]));
          if (!before.getOrDefault(u[0], List.of()).contains(s)) {
            changes.add(RowFactory.create(sql, s, "user", u[0], "entered"));
          }
        }
        for (String s : before.getOrDefault(u[0], List.of())) {
          if (!now.getOrDefault(u[0], List.of()).contains(s)) {
            changes.add(RowFactory.create(sql, s, "user", u[0], "exited"));
          }
        }
      }
    }
    List<Row> accountFeatures = new ArrayList<>();
    List<Row> accountScores = new ArrayList<>();
    for (int day = 0; day < 2; day++) {
      Date sql = Date.valueOf(day == 0 ? D1 : D2);
      accountFeatures.add(RowFactory.create(sql, "a1", created, created, "Acme"));
      accountFeatures.add(RowFactory.create(sql, "a2", created, created, "Globex"));
      accountScores.add(RowFactory.create(sql, "default", "a1", day == 0 ? 70 : 75));
      accountScores.add(RowFactory.create(sql, "default", "a2", 30));
      members.add(RowFactory.create(sql, "active_accounts", "account", "a1"));
      if (day == 0) {
        members.add(RowFactory.create(sql, "active_accounts", "account", "a2"));
        changes.add(RowFactory.create(sql, "active_accounts", "account", "a1", "entered"));
        changes.add(RowFactory.create(sql, "active_accounts", "account", "a2", "entered"));
      } else {
        changes.add(RowFactory.create(sql, "active_accounts", "account", "a2", "exited"));
      }
    }
    save(
        spark,
        warehouse,
        "segment_members",
        members,
        new StructType()
            .add("as_of_date", DataTypes.DateType)
            .add("segment_id", DataTypes.StringType)
            .add("entity", DataTypes.StringType)
            .add("entity_id", DataTypes.StringType));
    save(
        spark,
        warehouse,
        "segment_changes",
        changes,
        new StructType()
            .add("as_of_date", DataTypes.DateType)
            .add("segment_id", DataTypes.StringType)
            .add("entity", DataTypes.StringType)
            .add("entity_id", DataTypes.StringType)
            .add("change", DataTypes.StringType));
    save(
        spark,
        warehouse,
        "user_features",
        features,
        new StructType()
            .add("as_of_date", DataTypes.DateType)
            .add("user_id", DataTypes.StringType)
            .add("account_id", DataTypes.StringType)
            .add("first_seen", DataTypes.TimestampType)
            .add("created_at", DataTypes.TimestampType)
            .add("email", DataTypes.StringType));
    save(
        spark,
        warehouse,
        "user_scores",
        scores,
        new StructType()
            .add("as_of_date", DataTypes.DateType)
            .add("workspace", DataTypes.StringType)
            .add("user_id", DataTypes.StringType)
            .add("account_id", DataTypes.StringType)
            .add("engagement_score", DataTypes.IntegerType));
    save(
        spark,
        warehouse,
        "account_features",
        accountFeatures,
        new StructType()
            .add("as_of_date", DataTypes.DateType)
            .add("account_id", DataTypes.StringType)
            .add("first_seen", DataTypes.TimestampType)
            .add("created_at", DataTypes.TimestampType)
            .add("name", DataTypes.StringType));
    save(
        spark,
        warehouse,
        "account_scores",
        accountScores,
        new StructType()
            .add("as_of_date", DataTypes.DateType)
            .add("workspace", DataTypes.StringType)
            .add("account_id", DataTypes.StringType)
            .add("engagement_score", DataTypes.IntegerType));
  }

  private static void save(
      SparkSession spark, Path warehouse, String table, List<Row> rows, StructType schema) {
    spark
        .createDataFrame(rows, schema)
        .coalesce(1)
        .write()
        .format("delta")
        .mode("overwrite")
        .save(warehouse.resolve(table).toString());
  }

  /** The overrides of a run with these destinations ({@code name -> HOCON object}). */
  List<String> overrides(Map<String, String> destinations) {
    List<String> o = new ArrayList<>();
    o.add("warehouse.path=" + warehouse);
    o.add("input.path=" + root.resolve("in"));
    o.add("segments.dir=" + segmentsDir);
    destinations.forEach((name, hocon) -> o.add("exports.destinations." + name + "=" + hocon));
    return o;
  }

  Settings settings(Map<String, String> destinations) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (String o : overrides(destinations)) {
      int i = o.indexOf('=');
      m.put(o.substring(0, i), o.substring(i + 1));
    }
    return SettingsLoader.load(Optional.empty(), m);
  }

  /** Runs the export stage in this JVM; the credential comes from {@code env}. */
  String export(Map<String, String> destinations, LocalDate date, ExportJob.Options options) {
    Settings settings = settings(destinations);
    StageContext ctx = new StageContext(SparkTestSupport.spark(), settings);
    return new ExportJob(ctx, options, Map.of("SEGMENTS_TEST_TOKEN", TOKEN)).run(date).render();
  }

  String export(Map<String, String> destinations, LocalDate date) {
    return export(destinations, date, ExportJob.Options.DEFAULT);
  }

  List<Row> table(String name) {
    return SparkTestSupport.spark()
        .read()
        .format("delta")
        .load(warehouse.resolve(name).toString())
        .collectAsList();
  }
}
