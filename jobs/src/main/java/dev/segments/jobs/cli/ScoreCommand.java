package dev.segments.jobs.cli;

import dev.segments.jobs.pipeline.Stage;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description = "Writes the engagement and activation scores (user_scores, account_scores) and segment_thresholds of one day, for every workspace.")
public final class ScoreCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", converter = DateConverter.class,
      description = "The as-of date (features must have run for it).")
  LocalDate date;

  @Override
  public Integer call() {
    try (JobContext ctx = JobContext.open(config, "segments score " + date)) {
      ctx.pipeline().runStage(Stage.SCORE, date, System.out);
    }
    return 0;
  }
}
