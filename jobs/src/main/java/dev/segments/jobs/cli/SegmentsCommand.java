package dev.segments.jobs.cli;

import dev.segments.jobs.pipeline.Stage;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "segments",
    mixinStandardHelpOptions = true,
    description = "Evaluates every segment (standard, suggested, custom) for one day: writes segment_<id> per segment, segment_members, segment_changes, segment_sizes and segment_definitions.")
public final class SegmentsCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", converter = DateConverter.class,
      description = "The as-of date (score must have run for it).")
  LocalDate date;

  @Override
  public Integer call() {
    try (JobContext ctx = JobContext.open(config, "segments segments " + date, true)) {
      ctx.pipeline().runStage(Stage.SEGMENTS, date, System.out);
    }
    return 0;
  }
}
