package dev.segments.jobs.cli;

import dev.segments.jobs.report.Report;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Writes one static HTML page (opens from disk, works offline) with segment sizes over time,"
          + " entered and exited, the engagement score distribution with the suggested bands,"
          + " accounts by activation progress, segment_metrics, ingest accounting and stage durations.",
      "Prints the file's path."
    })
public final class ReportCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = "--date",
      required = true,
      paramLabel = "YYYY-MM-DD",
      converter = DateConverter.class,
      description = "The report's date (the segments stage must have run for it).")
  LocalDate date;

  @Option(
      names = "--days",
      paramLabel = "N",
      defaultValue = "30",
      description = "Dates in the time charts, ending at --date (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "report",
      description =
          "Local folder of the page segments-report-<date>.html (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--workspace",
      paramLabel = "NAME",
      defaultValue = "default",
      description = "Whose scores the distributions show (default: ${DEFAULT-VALUE}).")
  String workspace;

  @Override
  public Integer call() {
    try (JobContext ctx = JobContext.open(config, "segments report")) {
      if (ctx.settings().scoring().workspaces().stream()
          .noneMatch(w -> w.name().equals(workspace))) {
        throw new dev.segments.common.UserError(
            "--workspace "
                + workspace
                + ": no such workspace (scoring.workspaces has "
                + String.join(
                    ", ",
                    ctx.settings().scoring().workspaces().stream().map(w -> w.name()).toList())
                + ")");
      }
      Path file = new Report(ctx.pipeline().warehouse(), date, days, workspace).write(out);
      System.out.println("report: " + file.toAbsolutePath());
    }
    return 0;
  }
}
