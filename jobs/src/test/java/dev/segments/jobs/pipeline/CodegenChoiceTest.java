package dev.segments.jobs.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.common.config.Settings;
import dev.segments.common.config.SettingsLoader;
import dev.segments.common.config.SparkSettings;
import dev.segments.common.config.SparkSettings.GeneratedCode;
import dev.segments.common.tables.Warehouse;
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
    SparkSession spark = SparkTestSupport.spark();
    return new CodegenChoice(spark, s, new Warehouse(spark, s.warehousePath(), Optional.empty()));
  }

  @Test
  void eachStageIsMeasuredByWhatItReads() throws IOException {
    Path day = dir.resolve("input/dt=" + D);
    write(day.resolve("a.json"), 3);
    write(day.resolve("sub/b.json"), 5);
    write(dir.resolve("input/dt=" + D.minusDays(1) + "/old.json"), 1000);
    write(dir.resolve("wh/user_daily_activity/activity_date=" + D.minusDays(40) + "/p.parquet"), 10);
    write(dir.resolve("wh/user_daily_activity/_delta_log/0.json"), 4);
    write(dir.resolve("wh/user_features/as_of_date=" + D + "/p.parquet"), 7);
    write(dir.resolve("wh/user_features/as_of_date=" + D.minusDays(1) + "/p.parquet"), 100);
    CodegenChoice c = choice(settings());
    String dayFolder = dir.resolve("input") + "/dt=" + D;
    assertEquals(List.of(new CodegenChoice.Input(dayFolder, 8)), c.inputs(Stage.INGEST, D));
    assertEquals(
        List.of(new CodegenChoice.Input(dayFolder, 8), new CodegenChoice.Input(dir.resolve("wh") + "/user_daily_activity", 14)),
        c.inputs(Stage.FEATURES, D));
    String partition = dir.resolve("wh") + "/user_features/as_of_date=" + D;
    assertEquals(List.of(new CodegenChoice.Input(partition, 7)), c.inputs(Stage.SCORE, D));
    assertEquals(
        List.of(new CodegenChoice.Input(partition, 7), new CodegenChoice.Input(dir.resolve("wh") + "/user_daily_activity", 14)),
        c.inputs(Stage.SEGMENTS, D));
    // No partition folder for the date (random file prefixes): the whole table.
    LocalDate later = D.plusDays(5);
    assertEquals(List.of(new CodegenChoice.Input(dir.resolve("wh") + "/user_features", 107)), c.inputs(Stage.SCORE, later));
    // A missing input day (input.allow-missing-day) counts 0 bytes.
    assertEquals(List.of(new CodegenChoice.Input(dir.resolve("input") + "/dt=" + later, 0)), c.inputs(Stage.INGEST, later));
  }

  /** Runs the check with neither codegen setting in the shared session, then puts the test settings back. */
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
    withoutExplicitSettings(() -> {
      try (CodegenChoice.Restore r = choice(settings()).applyFor(Stage.INGEST, D)) {
        assertEquals("false", conf.get(WHOLE_STAGE));
        assertEquals("NO_CODEGEN", conf.get(FACTORY_MODE));
      }
      assertFalse(conf.contains(WHOLE_STAGE));
      assertFalse(conf.contains(FACTORY_MODE));
      // 8 bytes reach a minimum of 8: generated code.
      try (CodegenChoice.Restore r = choice(settings("spark.generated-code-min-bytes", "8")).applyFor(Stage.INGEST, D)) {
        assertEquals("true", conf.get(WHOLE_STAGE));
        assertEquals("FALLBACK", conf.get(FACTORY_MODE));
      }
      try (CodegenChoice.Restore r = choice(settings("spark.generated-code", "off")).applyFor(Stage.FEATURES, D)) {
        assertEquals("false", conf.get(WHOLE_STAGE));
      }
      assertFalse(conf.contains(WHOLE_STAGE));
    });
  }

  @Test
  void anExplicitSparkSettingWins() throws IOException {
    write(dir.resolve("input/dt=" + D + "/a.json"), 8);
    RuntimeConfig conf = SparkTestSupport.spark().conf();
    withoutExplicitSettings(() -> {
      conf.set(WHOLE_STAGE, "false");
      try {
        try (CodegenChoice.Restore r = choice(settings("spark.generated-code", "on")).applyFor(Stage.INGEST, D)) {
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
