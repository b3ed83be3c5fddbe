package dev.segments.jobs.cli;

import dev.segments.common.config.Settings;
import dev.segments.common.spark.SparkSessions;
import dev.segments.jobs.pipeline.Pipeline;
import dev.segments.jobs.pipeline.Stage;
import dev.segments.jobs.pipeline.StageContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settings, session and pipeline of one command. Settings are loaded and validated before the
 * session starts, so a bad config stops the run before anything is touched. The session is stopped
 * on close only if this context created it (an embedding program keeps its own).
 */
public final class JobContext implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobContext.class);

  private final Settings settings;
  private final SparkSession spark;
  private final boolean ownsSession;
  private StageContext stageContext;

  /** The warehouse's run lock, held by commands that run stages. */
  private dev.segments.jobs.pipeline.RunLock lock;

  private final java.util.Map<String, Object> stageOptions;

  private JobContext(
      Settings settings,
      SparkSession spark,
      boolean ownsSession,
      java.util.Map<String, Object> stageOptions) {
    this.settings = settings;
    this.spark = spark;
    this.ownsSession = ownsSession;
    this.stageOptions = stageOptions;
  }

  public static JobContext open(ConfigOptions options, String appName) {
    return open(options, appName, false);
  }

  /**
   * @param validateSegments load and validate the segment definitions too (commands that run the
   *     segments stage), so that a bad definition stops the run before Spark starts
   */
  public static JobContext open(ConfigOptions options, String appName, boolean validateSegments) {
    Settings settings = options.load();
    LOG.info("Settings: {}", settings);
    if (validateSegments) {
      dev.segments.jobs.segments.SegmentsJob.definitions(settings);
    }
    boolean existing = SparkSessions.existing().isPresent();
    SparkSession spark = SparkSessions.create(appName, settings.spark());
    return new JobContext(settings, spark, !existing, java.util.Map.of());
  }

  /**
   * For commands that run stages: the segment definitions (if a stage needs them) and every stage's
   * own checks ({@link Stage#problems}) pass before Spark starts.
   *
   * @param stageOptions the options of a stage's command (empty for {@code run})
   */
  public static JobContext open(
      ConfigOptions options,
      String appName,
      java.util.List<Stage> stages,
      java.util.Map<String, Object> stageOptions) {
    Settings settings = options.load();
    LOG.info("Settings: {}", settings);
    if (stages.stream().anyMatch(Stage::needsSegmentDefinitions)) {
      dev.segments.jobs.segments.SegmentsJob.definitions(settings);
    }
    java.util.List<String> problems = new java.util.ArrayList<>();
    stages.forEach(s -> problems.addAll(s.problems(settings, stageOptions)));
    if (!problems.isEmpty()) {
      throw new dev.segments.common.config.InvalidConfigException(problems);
    }
    boolean existing = SparkSessions.existing().isPresent();
    SparkSession spark = SparkSessions.create(appName, settings.spark());
    JobContext context = new JobContext(settings, spark, !existing, stageOptions);
    try {
      context.lock =
          dev.segments.jobs.pipeline.RunLock.acquire(
              spark.sparkContext().hadoopConfiguration(),
              settings.warehousePath(),
              appName,
              java.time.Duration.ofSeconds(settings.warehouseLockWaitSeconds()));
    } catch (RuntimeException e) {
      context.close();
      throw e;
    }
    return context;
  }

  public Settings settings() {
    return settings;
  }

  public SparkSession spark() {
    return spark;
  }

  /** The context the stages of this command run in (one warehouse for the command). */
  public StageContext stageContext() {
    if (stageContext == null) {
      stageContext = new StageContext(spark, settings).withOptions(stageOptions);
    }
    return stageContext;
  }

  public Pipeline pipeline() {
    return new Pipeline(stageContext());
  }

  @Override
  public void close() {
    if (lock != null) {
      lock.close();
      lock = null;
    }
    if (ownsSession) {
      spark.stop();
    }
  }
}
