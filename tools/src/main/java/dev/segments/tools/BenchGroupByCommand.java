package dev.segments.tools;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_timestamp;

import dev.segments.jobs.cli.ConfigOptions;
import dev.segments.jobs.cli.JobContext;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The benchmark's baseline (P4 in scripts/bench.sh): a bare Spark {@code groupBy(user, event,
 * day).count()} over the Parquet input, with nothing of ours in between: what the cheapest possible
 * daily rollup of the same files costs on the same session settings.
 */
@Command(
    name = "bench-groupby",
    hidden = true,
    mixinStandardHelpOptions = true,
    description =
        "Benchmark baseline: a bare groupBy(user, event, day).count() over Parquet input; prints rows and ms.")
public final class BenchGroupByCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "DIR",
      description = "Parquet input folder (dt=... folders).")
  String input;

  @Override
  public Integer call() {
    try (JobContext ctx = JobContext.open(config, "segments bench-groupby")) {
      long began = System.nanoTime();
      long groups =
          ctx.spark()
              .read()
              .parquet(input)
              .where(col("type").equalTo("track"))
              .groupBy(
                  col("userId"), col("event"), to_date(to_timestamp(col("timestamp"))).as("day"))
              .count()
              .count();
      long ms = (System.nanoTime() - began) / 1_000_000;
      System.out.printf("bench-groupby: %d groups in %d ms%n", groups, ms);
    }
    return 0;
  }
}
