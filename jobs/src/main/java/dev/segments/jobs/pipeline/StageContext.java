package dev.segments.jobs.pipeline;

import dev.segments.common.config.Settings;
import dev.segments.common.tables.Warehouse;
import org.apache.spark.sql.SparkSession;

/** What every stage runs with: the session, the validated settings and the warehouse. */
public record StageContext(SparkSession spark, Settings settings, Warehouse warehouse) {
  public StageContext(SparkSession spark, Settings settings) {
    this(
        spark,
        settings,
        new Warehouse(
            spark,
            settings.warehousePath(),
            settings.catalogDatabase(),
            settings.warehouseWriteThreads()));
  }
}
