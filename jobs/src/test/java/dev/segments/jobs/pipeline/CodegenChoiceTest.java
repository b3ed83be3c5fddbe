package dev.segments.jobs.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.common.config.Settings;
import dev.segments.common.config.SettingsLoader;
import dev.segments.common.config.SparkSettings;
import dev.segments.common.config.SparkSettings.GeneratedCode;
import dev.segments.common.testing.SparkTestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

@Isolated
class CodegenChoiceTest {
  private static final LocalDate D = LocalDate.parse("2026-03-10");
  private static final String WHOLE_STAGE = "spark.sql.codegen.wholeStage";
  private static final String FACTORY_MODE = "spark.sql.codegen.factoryMode";

  @TempDir Path dir;

  private static List<CodegenChoice.Input> sizes(long... bytes) {
    return java.util.Arrays.stream(bytes).mapToObj(b -> new CodegenChoice.Input("x", b)).toList();
  }

  @Test
  void autoIsInterpretedOnlyWhenEveryInputIsBelowTheMinimum() {
    assertTrue(CodegenChoice.interpreted(GeneratedCode.AUTO, sizes(100, 200), 201));
    // At the minimum itself, generated code.
    assertFalse(CodegenChoice.interpreted(GeneratedCode.AUTO, sizes(100, 201), 201));
    assertFalse(CodegenChoice.interpreted(GeneratedCode.AUTO, sizes(5_000, 0), 201));
    assertFalse(CodegenChoice.interpreted(GeneratedCode.ON, sizes(0), 201));
    assertTrue(CodegenChoice.interpreted(GeneratedCode.OFF, sizes(10_000), 201));
  }

  private static void write(Path file, int bytes) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, new byte[bytes]);
  }

  private Settings settings(String... overrides) {
    Map<String, String> o = new HashMap<>();
    o.put("input.path", dir.resolve("input").toString());
    o.put("warehouse.path", dir.resolve("wh").toString());
    for (int i = 0; i < overrides.length; i += 2) {
      o.put(overrides[i], overrides[i + 1]);
    }
    return SettingsLoader.load(Optional.empty(), o);
  }

  private CodegenChoice choice(Settings s) {
    return new CodegenChoice(new StageContext(SparkTestSupport.spark(), s));
  }

  /**
   * Bytes of the Parquet files under a folder, from the file system (what Delta's metadata must
   * report).
   */
  private static long parquetBytes(Path folder) throws IOException {
    try (var files = Files.walk(folder)) {
      return files
          .filter(f -> f.toString().endsWith(".parquet") && !f.toString().contains("_delta_log"))
          .mapToLong(f -> f.toFile().length())
          .sum();
    }
  }

  @Test
  void eachStageIsMeasuredByWhatItDeclares() throws IOException {
    Path day = dir.resolve("input/dt=" + D);
    write(day.resolve("a.json"), 3);
    write(day.resolve("sub/b.json"), 5);
    write(dir.resolve("input/dt=" + D.minusDays(1) + "/old.json"), 1000);
    SparkSession spark = SparkTestSupport.spark();
    // Real Delta tables: user_features with two dates (the second ten times the rows), a rollup.
    String features = dir.resolve("wh/user_features").toString();
    spark
        .range(50)
        .selectExpr("DATE'" + D + "' AS as_of_date", "CAST(id AS STRING) AS user_id")
        .union(
            spark
                .range(500)
                .selectExpr(
                    "DATE'" + D.minusDays(1) + "' AS as_of_date", "CAST(id AS STRING) AS user_id"))
        .write()
        .format("delta")
        .partitionBy("as_of_date")
        .save(features);
    String rollup = dir.resolve("wh/user_daily_activity").toString();
    spark
        .range(30)
        .selectExpr("DATE'" + D + "' AS activity_date", "CAST(id AS STRING) AS user_id")
        .write()
        .format("delta")
        .partitionBy("activity_date")
        .save(rollup);
    long ofDate = parquetBytes(dir.resolve("wh/user_features/as_of_date=" + D));
    long rollupBytes = parquetBytes(dir.resolve("wh/user_daily_activity"));
    assertTrue(ofDate > 0 && rollupBytes > 0);

    CodegenChoice c = choice(settings());
    String dayFolder = dir.resolve("input") + "/dt=" + D;
    assertEquals(List.of(new CodegenChoice.Input(dayFolder, 8)), c.inputs(Stages.INGEST, D));
    assertEquals(
        List.of(
            new CodegenChoice.Input(dayFolder, 8),
            new CodegenChoice.Input("user_daily_activity", rollupBytes)),
        c.inputs(Stages.FEATURES, D));
    assertEquals(
        List.of(new CodegenChoice.Input("user_features on " + D, ofDate)),
        c.inputs(Stages.SCORE, D));
    assertEquals(
        List.of(
            new CodegenChoice.Input("user_features on " + D, ofDate),
            new CodegenChoice.Input("user_daily_activity", rollupBytes)),
        c.inputs(Stages.SEGMENTS, D));
    // A date the table does not hold reads nothing; a missing input day (input.allow-missing-day)
    // counts 0 bytes; so does a table not written yet.
    LocalDate later = D.plusDays(5);
    // (Spark's size estimate of a scan that prunes every file is 1 byte, never 0.)
    List<CodegenChoice.Input> none = c.inputs(Stages.SCORE, later);
    assertEquals("user_features on " + later, none.get(0).what());
    assertTrue(none.get(0).bytes() <= 1, "nothing to read: " + none);
    assertEquals(
        List.of(new CodegenChoice.Input(dir.resolve("input") + "/dt=" + later, 0)),
        c.inputs(Stages.INGEST, later));
    Settings elsewhere = settings("warehouse.path", dir.resolve("empty").toString());
    assertEquals(
        List.of(new CodegenChoice.Input("user_features on " + D, 0)),
        choice(elsewhere).inputs(Stages.SCORE, D));
  }

  /**
   * Runs the check with neither codegen setting in the shared session, then puts the test settings
   * back.
   */
  private static void withoutExplicitSettings(Runnable check) {
    RuntimeConfig conf = SparkTestSupport.spark().conf();
    Map<String, String> saved = new HashMap<>();
    for (String key : SparkSettings.CODEGEN_KEYS) {
      if (conf.contains(key)) {
        saved.put(key, conf.get(key));
        conf.unset(key);
      }
    }
    try {
      check.run();
    } finally {
      saved.forEach(conf::set);
    }
  }

  @Test
  void applyForSetsTheChoiceForTheStageAndPutsTheSessionBack() throws IOException {
    write(dir.resolve("input/dt=" + D + "/a.json"), 8);
    RuntimeConfig conf = SparkTestSupport.spark().conf();
    withoutExplicitSettings(
        () -> {
          try (CodegenChoice.Restore r = choice(settings()).applyFor(Stages.INGEST, D)) {
            assertEquals("false", conf.get(WHOLE_STAGE));
            assertEquals("NO_CODEGEN", conf.get(FACTORY_MODE));
          }
          assertFalse(conf.contains(WHOLE_STAGE));
          assertFalse(conf.contains(FACTORY_MODE));
          // 8 bytes reach a minimum of 8: generated code.
          try (CodegenChoice.Restore r =
              choice(settings("spark.generated-code-min-bytes", "8")).applyFor(Stages.INGEST, D)) {
            assertEquals("true", conf.get(WHOLE_STAGE));
            assertEquals("FALLBACK", conf.get(FACTORY_MODE));
          }
          try (CodegenChoice.Restore r =
              choice(settings("spark.generated-code", "off")).applyFor(Stages.FEATURES, D)) {
            assertEquals("false", conf.get(WHOLE_STAGE));
          }
          assertFalse(conf.contains(WHOLE_STAGE));
        });
  }

  @Test
  void anExplicitSparkSettingWins() throws IOException {
    write(dir.resolve("input/dt=" + D + "/a.json"), 8);
    RuntimeConfig conf = SparkTestSupport.spark().conf();
    withoutExplicitSettings(
        () -> {
          conf.set(WHOLE_STAGE, "false");
          try {
            try (CodegenChoice.Restore r =
                choice(settings("spark.generated-code", "on")).applyFor(Stages.INGEST, D)) {
              assertEquals("false", conf.get(WHOLE_STAGE));
              assertFalse(conf.contains(FACTORY_MODE));
            }
            assertEquals("false", conf.get(WHOLE_STAGE));
          } finally {
            conf.unset(WHOLE_STAGE);
          }
        });
  }
}
