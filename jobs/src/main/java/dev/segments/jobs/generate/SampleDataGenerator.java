package dev.segments.jobs.generate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;

import dev.segments.common.UserError;
import dev.segments.common.config.InputSettings.InputFormat;
import dev.segments.common.events.EventSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Writes sample input: one {@code dt=YYYY-MM-DD} folder per day under the output folder, as gzip
 * NDJSON or as Parquet with the raw event columns. Users and accounts are generated in parallel
 * (each from its own seeded random stream), so 10^8 events are as easy as 10^4.
 *
 * <p>Parquet cannot hold a line that is not JSON, so that one kind of bad row is absent there.
 */
public final class SampleDataGenerator {
  private static final Logger LOG = LoggerFactory.getLogger(SampleDataGenerator.class);

  /** Marks a folder as written by us: only such a folder (or an empty one) is replaced. */
  public static final String MARKER = "_GENERATED_BY_SEGMENTS";

  private final SparkSession spark;

  public SampleDataGenerator(SparkSession spark) {
    this.spark = spark;
  }

  /** All lines of the sample as {@code (dt, line)}. */
  public Dataset<Row> lines(GeneratorSpec spec) {
    int partitions = Math.max(2, (int) Math.min(2000, (long) spec.users() * spec.days() / 20_000));
    Dataset<Tuple2<String, String>> users =
        spark
            .range(0, spec.users(), 1, partitions)
            .flatMap(
                (FlatMapFunction<Long, Tuple2<String, String>>)
                    id -> toTuples(SampleLines.userLines(spec, id)),
                Encoders.tuple(Encoders.STRING(), Encoders.STRING()));
    Dataset<Tuple2<String, String>> accounts =
        spark
            .range(0, spec.accounts(), 1, Math.max(1, partitions / 10))
            .flatMap(
                (FlatMapFunction<Long, Tuple2<String, String>>)
                    id -> toTuples(SampleLines.accountLines(spec, id)),
                Encoders.tuple(Encoders.STRING(), Encoders.STRING()));
    return users.union(accounts).toDF("dt", "line");
  }

  private static Iterator<Tuple2<String, String>> toTuples(java.util.List<SampleLines.Line> lines) {
    return lines.stream().map(l -> new Tuple2<>(l.dt(), l.text())).iterator();
  }

  /** Writes the sample to {@code output}; returns the number of lines written. */
  public long write(GeneratorSpec spec, String output, InputFormat format) {
    guardOutput(output);
    Dataset<Row> lines = lines(spec);
    Dataset<Row> spread =
        lines
            .withColumn("_file", pmod(hash(col("line")), lit(spec.filesPerDay())))
            .repartition(col("dt"), col("_file"))
            .drop("_file");
    switch (format) {
      case JSON ->
          spread
              .write()
              .mode("overwrite")
              .partitionBy("dt")
              .option("compression", "gzip")
              .text(output);
      case PARQUET -> {
        Dataset<Row> parsed =
            spread
                .select(
                    col("dt"),
                    from_json(
                            col("line"),
                            EventSchema.RAW_WITH_CORRUPT,
                            Map.of("columnNameOfCorruptRecord", EventSchema.CORRUPT_RECORD))
                        .as("e"))
                .where(col("e." + EventSchema.CORRUPT_RECORD).isNull())
                .select(col("dt"), col("e.*"))
                .drop(EventSchema.CORRUPT_RECORD);
        parsed.write().mode("overwrite").partitionBy("dt").parquet(output);
      }
    }
    try {
      Path marker = new Path(output, MARKER);
      marker.getFileSystem(spark.sparkContext().hadoopConfiguration()).create(marker, true).close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + MARKER + " in " + output, e);
    }
    long written =
        spark.read().format(format == InputFormat.JSON ? "text" : "parquet").load(output).count();
    LOG.info("Generated {} rows for {} .. {} into {}", written, spec.start(), spec.end(), output);
    return written;
  }

  /** Refuses to replace a non-empty folder that we did not generate (it may be real data). */
  private void guardOutput(String output) {
    try {
      Path path = new Path(output);
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(path)) {
        return;
      }
      FileStatus[] children = fs.listStatus(path);
      if (children.length > 0 && !fs.exists(new Path(path, MARKER))) {
        throw new UserError(
            "Cannot generate into "
                + output
                + ": the folder holds files that segments generate did not write"
                + " (choose an empty folder with --output, or remove it)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot generate: cannot check output folder " + output, e);
    }
  }
}
