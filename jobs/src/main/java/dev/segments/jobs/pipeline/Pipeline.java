package dev.segments.jobs.pipeline;

import dev.segments.common.config.Settings;
import dev.segments.common.tables.Warehouse;
import dev.segments.jobs.features.FeaturesJob;
import dev.segments.jobs.score.ScoreJob;
import dev.segments.jobs.segments.SegmentsStage;
import dev.segments.jobs.ingest.IngestJob;
import java.io.PrintStream;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the stages of {@link Stage} for one date, or for a range of dates one by one in order. */
public final class Pipeline {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private final SparkSession spark;
  private final Settings settings;
  private final Warehouse warehouse;
  private final CodegenChoice codegen;

  public Pipeline(SparkSession spark, Settings settings) {
    this.spark = spark;
    this.settings = settings;
    this.warehouse = new Warehouse(spark, settings.warehousePath(), settings.catalogDatabase());
    this.codegen = new CodegenChoice(spark, settings, warehouse);
  }

  public Warehouse warehouse() {
    return warehouse;
  }

  /** Runs one stage for one date, printing its summary. */
  public void runStage(Stage stage, LocalDate date, PrintStream out) {
    long start = System.nanoTime();
    try (CodegenChoice.Restore restore = codegen.applyFor(stage, date)) {
      switch (stage) {
        case INGEST -> out.print(new IngestJob(spark, settings, warehouse).run(date).render());
        case FEATURES -> out.print(new FeaturesJob(spark, settings, warehouse).run(date).render());
        case SCORE -> out.print(new ScoreJob(spark, settings, warehouse).run(date).render());
        case SEGMENTS -> out.print(new SegmentsStage(spark, settings, warehouse).run(date).render());
      }
    }
    LOG.info("Stage {} for {} took {} ms", stage.command(), date, (System.nanoTime() - start) / 1_000_000);
  }

  /** Every stage for every date from {@code from} to {@code to}, both included, in date order. */
  public void run(LocalDate from, LocalDate to, PrintStream out) {
    run(from, to, java.util.List.of(Stage.values()), out);
  }

  /** The given stages (in pipeline order) for every date from {@code from} to {@code to}, in date order. */
  public void run(LocalDate from, LocalDate to, java.util.List<Stage> stages, PrintStream out) {
    if (to.isBefore(from)) {
      throw new IllegalArgumentException("Cannot run: --to " + to + " is before --from " + from);
    }
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      for (Stage stage : stages) {
        runStage(stage, d, out);
      }
    }
  }
}
