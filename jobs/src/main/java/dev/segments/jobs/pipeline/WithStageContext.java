package dev.segments.jobs.pipeline;

import dev.segments.common.config.Settings;
import dev.segments.common.tables.Warehouse;
import org.apache.spark.sql.SparkSession;

/**
 * What a stage's job (and the evaluator it uses) starts from: the session, the settings and the
 * warehouse of its {@link StageContext}.
 */
public abstract class WithStageContext {
  protected final StageContext context;
  protected final SparkSession spark;
  protected final Settings settings;
  protected final Warehouse warehouse;

  protected WithStageContext(StageContext context) {
    this.context = context;
    this.spark = context.spark();
    this.settings = context.settings();
    this.warehouse = context.warehouse();
  }
}
