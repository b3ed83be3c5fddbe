package dev.segments.jobs.pipeline;

import dev.segments.common.config.SparkSettings;
import dev.segments.common.config.Settings;
import dev.segments.common.tables.TableNames;
import dev.segments.common.tables.Warehouse;
import dev.segments.jobs.ingest.IngestJob;
import java.io.IOException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses, for one stage of one date, whether Spark compiles generated code ({@code
 * spark.generated-code}). In a fresh JVM, compiling and warming up generated code costs more than
 * it saves on a small day: measured on 2 cores, a nightly run of 895 events took 52 s interpreted
 * against 70 s with generated code, while a full recompute of 2.8 million events took 168 s
 * interpreted against 136 s (docs/benchmarks.md). With {@code auto}, a stage runs interpreted when
 * what it reads is small on disk:
 *
 * <ul>
 *   <li>ingest: the input day's folder;
 *   <li>features: that folder and {@code user_daily_activity} (the rollup it reads back);
 *   <li>score: the date's partition of {@code user_features} (one row per user);
 *   <li>segments: that partition and {@code user_daily_activity}, which event conditions
 *       aggregate. With 100 custom segments over 13,000 users, the compute took 8.3 s
 *       interpreted against 5.9 to 7.4 s with generated code.
 * </ul>
 *
 * <p>Sizes are bytes on disk, older Delta versions not yet vacuumed included, so the choice errs
 * towards generated code (Spark's default). An explicit {@code spark.sql.codegen.*} setting of the
 * session wins over any mode.
 */
public final class CodegenChoice {
  private static final Logger LOG = LoggerFactory.getLogger(CodegenChoice.class);

  /** Puts the session's settings back as they were. */
  public interface Restore extends AutoCloseable {
    @Override
    void close();
  }

  /** What a stage reads that decides, with its size on disk in bytes. */
  public record Input(String what, long bytes) {}

  private final SparkSession spark;
  private final Settings settings;
  private final Warehouse warehouse;

  public CodegenChoice(SparkSession spark, Settings settings, Warehouse warehouse) {
    this.spark = spark;
    this.settings = settings;
    this.warehouse = warehouse;
  }

  /** Interpreted or not, for a mode and what the stage reads: auto is interpreted when every input is below the minimum. */
  public static boolean interpreted(SparkSettings.GeneratedCode mode, List<Input> inputs, long minBytes) {
    return switch (mode) {
      case ON -> false;
      case OFF -> true;
      case AUTO -> inputs.stream().allMatch(i -> i.bytes() < minBytes);
    };
  }

  /** The inputs that decide for a stage of a date (a missing folder counts 0 bytes). */
  public List<Input> inputs(Stage stage, LocalDate date) {
    String day = IngestJob.inputFolder(settings.input().path(), date);
    return switch (stage) {
      case INGEST -> List.of(measured(day));
      case FEATURES -> List.of(measured(day), measured(warehouse.path(TableNames.USER_DAILY_ACTIVITY)));
      case SCORE -> List.of(userFeatures(date));
      // Event conditions ("at least 3 in 14 days") aggregate the rollup per user: with many
      // custom segments over many users that is where generated code pays.
      case SEGMENTS -> List.of(userFeatures(date), measured(warehouse.path(TableNames.USER_DAILY_ACTIVITY)));
    };
  }

  private Input measured(String folder) {
    return new Input(folder, size(folder).orElse(0L));
  }

  /** The date's partition of user_features (one row per user). */
  private Input userFeatures(LocalDate date) {
    String table = warehouse.path(TableNames.USER_FEATURES);
    String partition = table + "/as_of_date=" + date;
    OptionalLong partitionSize = size(partition);
    if (partitionSize.isPresent()) {
      return new Input(partition, partitionSize.getAsLong());
    }
    // Tables written with random file prefixes have no partition folders: the whole table.
    OptionalLong tableSize = size(table);
    return tableSize.isPresent() ? new Input(table, tableSize.getAsLong()) : new Input(partition, 0L);
  }

  /**
   * Sets the session's generated-code settings for the stage and returns what puts them back.
   * Leaves the session alone when it has either setting explicitly (spark.conf, spark-submit).
   */
  public Restore applyFor(Stage stage, LocalDate date) {
    SparkSettings conf = settings.spark();
    for (String key : SparkSettings.CODEGEN_KEYS) {
      if (spark.conf().contains(key)) {
        LOG.info("Stage {} for {}: {} = {} is set, so spark.generated-code is not applied", stage.command(), date, key,
            spark.conf().get(key));
        return () -> {};
      }
    }
    List<Input> inputs = conf.generatedCode() == SparkSettings.GeneratedCode.AUTO ? inputs(stage, date) : List.of();
    boolean interpreted = interpreted(conf.generatedCode(), inputs, conf.generatedCodeMinBytes());
    LOG.info("Stage {} for {}: {} (spark.generated-code = {}{})", stage.command(), date,
        interpreted ? "interpreted" : "generated code", conf.generatedCode().configName(), describe(inputs, conf.generatedCodeMinBytes()));
    Map<String, String> values = new LinkedHashMap<>();
    values.put(SparkSettings.CODEGEN_KEYS.get(0), interpreted ? "false" : "true");
    values.put(SparkSettings.CODEGEN_KEYS.get(1), interpreted ? "NO_CODEGEN" : "FALLBACK");
    values.forEach(spark.conf()::set);
    return () -> values.keySet().forEach(spark.conf()::unset);
  }

  private static String describe(List<Input> inputs, long minBytes) {
    if (inputs.isEmpty()) {
      return "";
    }
    StringBuilder s = new StringBuilder(", minimum ").append(mib(minBytes)).append(":");
    for (Input i : inputs) {
      s.append(' ').append(i.what()).append(' ').append(mib(i.bytes()));
    }
    return s.toString();
  }

  private static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.2f MiB", bytes / 1048576.0);
  }

  /**
   * Bytes of every file under a folder; empty when it does not exist, Long.MAX_VALUE when it
   * cannot be listed (counted as large, so generated code: Spark's default).
   */
  private OptionalLong size(String folder) {
    try {
      Path path = new Path(folder);
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      return fs.exists(path) ? OptionalLong.of(fs.getContentSummary(path).getLength()) : OptionalLong.empty();
    } catch (IOException e) {
      LOG.warn("Cannot measure {} ({}): counting it as large", folder, e.toString());
      return OptionalLong.of(Long.MAX_VALUE);
    }
  }
}
