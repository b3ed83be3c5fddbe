package dev.segments.jobs.cli;

import dev.segments.jobs.pipeline.Stage;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = "Reads one day's raw events into events, events_rejected, the traits tables and memberships.")
public final class IngestCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", converter = DateConverter.class,
      description = "The day to ingest (its input folder is dt=YYYY-MM-DD).")
  LocalDate date;

  @Override
  public Integer call() {
    try (JobContext ctx = JobContext.open(config, "segments ingest " + date)) {
      ctx.pipeline().runStage(Stage.INGEST, date, System.out);
    }
    return 0;
  }
}
