package dev.segments.jobs.cli;

import dev.segments.jobs.pipeline.Stage;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "features",
    mixinStandardHelpOptions = true,
    description = "Updates the daily rollup and writes the user_features and account_features snapshots of one day.")
public final class FeaturesCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", converter = DateConverter.class,
      description = "The as-of date (ingest must have run for it).")
  LocalDate date;

  @Override
  public Integer call() {
    try (JobContext ctx = JobContext.open(config, "segments features " + date)) {
      ctx.pipeline().runStage(Stage.FEATURES, date, System.out);
    }
    return 0;
  }
}
