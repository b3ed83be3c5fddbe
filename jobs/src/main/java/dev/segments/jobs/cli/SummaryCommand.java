package dev.segments.jobs.cli;

import dev.segments.jobs.summary.WarehouseSummary;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "summary",
    mixinStandardHelpOptions = true,
    description =
        "Prints what the warehouse holds: rows per table, rejected rows by reason, top events, sample features.")
public final class SummaryCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = "--date",
      paramLabel = "YYYY-MM-DD",
      converter = DateConverter.class,
      description = "The as-of date to show (default: the latest).")
  LocalDate date;

  @Override
  public Integer call() {
    try (JobContext ctx = JobContext.open(config, "segments summary")) {
      new WarehouseSummary(ctx.pipeline().warehouse()).print(Optional.ofNullable(date));
    }
    return 0;
  }
}
