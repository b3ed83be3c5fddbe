package dev.segments.jobs.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.segments.common.config.SparkSettings;
import dev.segments.common.tables.TableCatalog;
import dev.segments.jobs.ingest.IngestJob;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses, for one stage of one date, whether Spark compiles generated code ({@code
 * spark.generated-code}). In a fresh JVM, compiling and warming up generated code costs more than
 * it saves on a small day: measured on 2 cores, a nightly run of 895 events took 52 s interpreted
 * against 70 s with generated code, while a full recompute of 2.8 million events took 168 s
 * interpreted against 136 s (docs/benchmarks.md). With {@code auto}, a stage runs interpreted when
 * every input it declares ({@link Stage#sizedInputs()}) is small:
 *
 * <ul>
 *   <li>the input day's folder: bytes of its raw files;
 *   <li>a table: the bytes of its current version, from Delta's table detail;
 *   <li>a table on the date: the bytes of the files holding the date's rows, as Delta's scan
 *       planning reports them (partition pruning on the table's log, no data read).
 * </ul>
 *
 * <p>An explicit {@code spark.sql.codegen.*} setting of the session wins over any mode.
 */
public final class CodegenChoice extends WithStageContext {
  private static final Logger LOG = LoggerFactory.getLogger(CodegenChoice.class);

  /** Puts the session's settings back as they were. */
  public interface Restore extends AutoCloseable {
    @Override
    void close();
  }

  /** What a stage declares as deciding: the input day, a table, or a table's rows of the date. */
  public record Source(Kind kind, String table) {
    public enum Kind {
      INPUT_DAY,
      TABLE,
      TABLE_ON_DATE
    }

    public static Source inputDay() {
      return new Source(Kind.INPUT_DAY, "");
    }

    public static Source table(String table) {
      return new Source(Kind.TABLE, table);
    }

    public static Source tableOnDate(String table) {
      return new Source(Kind.TABLE_ON_DATE, table);
    }
  }

  /** What a stage reads that decides, with its size on disk in bytes. */
  public record Input(String what, long bytes) {}

  public CodegenChoice(StageContext context) {
    super(context);
  }

  /**
   * Interpreted or not, for a mode and what the stage reads: auto is interpreted when every input
   * is below the minimum.
   */
  public static boolean interpreted(
      SparkSettings.GeneratedCode mode, List<Input> inputs, long minBytes) {
    return switch (mode) {
      case ON -> false;
      case OFF -> true;
      case AUTO -> inputs.stream().allMatch(i -> i.bytes() < minBytes);
    };
  }

  /** The measured inputs of a stage for a date (a missing folder or table counts 0 bytes). */
  public List<Input> inputs(Stage stage, LocalDate date) {
    return stage.sizedInputs().stream().map(s -> measure(s, date)).toList();
  }

  private Input measure(Source source, LocalDate date) {
    return switch (source.kind()) {
      case INPUT_DAY -> {
        String day = IngestJob.inputFolder(settings.input().path(), date);
        yield new Input(day, folderSize(day));
      }
      case TABLE -> new Input(source.table(), tableSize(source.table()));
      case TABLE_ON_DATE ->
          new Input(source.table() + " on " + date, tableSizeOn(source.table(), date));
    };
  }

  private long tableSize(String table) {
    if (!warehouse.exists(table)) {
      return 0L;
    }
    Row detail =
        DeltaTable.forPath(spark, warehouse.path(table)).detail().select("sizeInBytes").first();
    return detail.isNullAt(0) ? 0L : detail.getLong(0);
  }

  private long tableSizeOn(String table, LocalDate date) {
    if (!warehouse.exists(table)) {
      return 0L;
    }
    String column =
        TableCatalog.get(table)
            .partitionColumn()
            .orElseThrow(
                () -> new IllegalArgumentException(table + " has no date partition to measure"));
    return warehouse
        .read(table)
        .where(col(column).equalTo(lit(Date.valueOf(date))))
        .queryExecution()
        .optimizedPlan()
        .stats()
        .sizeInBytes()
        .longValue();
  }

  /**
   * Sets the session's generated-code settings for the stage and returns what puts them back.
   * Leaves the session alone when it has either setting explicitly (spark.conf, spark-submit).
   */
  public Restore applyFor(Stage stage, LocalDate date) {
    SparkSettings conf = settings.spark();
    for (String key : SparkSettings.CODEGEN_KEYS) {
      if (spark.conf().contains(key)) {
        LOG.info(
            "Stage {} for {}: {} = {} is set, so spark.generated-code is not applied",
            stage.name(),
            date,
            key,
            spark.conf().get(key));
        return () -> {};
      }
    }
    List<Input> inputs =
        conf.generatedCode() == SparkSettings.GeneratedCode.AUTO ? inputs(stage, date) : List.of();
    boolean interpreted = interpreted(conf.generatedCode(), inputs, conf.generatedCodeMinBytes());
    LOG.info(
        "Stage {} for {}: {} (spark.generated-code = {}{})",
        stage.name(),
        date,
        interpreted ? "interpreted" : "generated code",
        conf.generatedCode().configName(),
        describe(inputs, conf.generatedCodeMinBytes()));
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
   * Bytes of the raw files under the input day's folder (raw input is not a Delta table); 0 when it
   * does not exist, Long.MAX_VALUE when it cannot be listed (counted as large, so generated code:
   * Spark's default).
   */
  private long folderSize(String folder) {
    try {
      Path path = new Path(folder);
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      return fs.exists(path) ? fs.getContentSummary(path).getLength() : 0L;
    } catch (IOException e) {
      LOG.warn("Cannot measure {} ({}): counting it as large", folder, e.toString());
      return Long.MAX_VALUE;
    }
  }
}
