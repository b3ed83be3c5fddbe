package dev.segments.jobs.pipeline;

import dev.segments.common.config.Settings;
import dev.segments.common.tables.Warehouse;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * What every stage runs with: the session, the validated settings, the warehouse, and the options
 * of the stage's command ({@link Stage#options()}; empty in a {@code run}).
 */
public record StageContext(
    SparkSession spark, Settings settings, Warehouse warehouse, Map<String, Object> options) {
  public StageContext {
    options = Map.copyOf(options);
  }

  public StageContext(SparkSession spark, Settings settings) {
    this(
        spark,
        settings,
        new Warehouse(
            spark,
            settings.warehousePath(),
            settings.catalogDatabase(),
            settings.warehouseWriteThreads()),
        Map.of());
  }

  /** The same context with a command's options. */
  public StageContext withOptions(Map<String, Object> values) {
    return new StageContext(spark, settings, warehouse, values);
  }
}
