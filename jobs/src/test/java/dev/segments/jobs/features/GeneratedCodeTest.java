package dev.segments.jobs.features;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.common.testing.SparkTestSupport;
import java.sql.Date;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The hand-computed checks of the rollup and the window aggregates again, with Spark's whole-stage
 * generated code on: the path production takes at scale ({@code spark.generated-code = auto} above
 * 32 MiB), which the rest of the suite, interpreted for speed, never runs.
 */
@Isolated
class GeneratedCodeTest {
  private static final Map<String, String> GENERATED =
      Map.of("spark.sql.codegen.wholeStage", "true", "spark.sql.codegen.factoryMode", "FALLBACK");
  private static final Map<String, String> saved = new java.util.HashMap<>();

  @BeforeAll
  static void generatedCodeOn() {
    RuntimeConfig conf = SparkTestSupport.spark().conf();
    GENERATED.forEach(
        (k, v) -> {
          saved.put(k, conf.get(k));
          conf.set(k, v);
        });
  }

  @AfterAll
  static void backToInterpreted() {
    saved.forEach(SparkTestSupport.spark().conf()::set);
  }

  @Test
  void theseQueriesRunAsGeneratedCode() {
    var spark = SparkTestSupport.spark();
    Dataset<Row> dates =
        spark.createDataFrame(
            List.of(RowFactory.create("u1", Date.valueOf("2026-03-10"))),
            new StructType()
                .add("user_id", DataTypes.StringType)
                .add("activity_date", DataTypes.DateType));
    Dataset<Row> counts =
        WindowAggregates.activeDayCounts(
            dates, "user_id", java.time.LocalDate.parse("2026-03-10"), List.of(1, 7));
    counts.collectAsList();
    String plan = counts.queryExecution().executedPlan().toString();
    // Whole-stage code generation marks its stages with "*(n)" in the executed plan.
    assertTrue(plan.contains("*("), "a whole-stage generated plan:\n" + plan);
  }

  @Nested
  class Rollup extends DailyRollupTest {}

  @Nested
  class Windows extends WindowAggregatesTest {}
}
