package dev.segments.jobs.cli;

import dev.segments.jobs.health.RunStatus;
import dev.segments.jobs.health.RunStatus.StageRun;
import dev.segments.jobs.pipeline.Stages;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Run health from pipeline_runs: each stage's latest attempt per date, failed stages, stale"
          + " segments (newest date in segment_sizes older than the latest run date) and dates with"
          + " no run.",
      "Exits 0 when all is well and 1 when a stage failed, a segment is stale, a date has no run or"
          + " nothing ran at all, so a monitor or an Airflow sensor can call it."
    })
public final class StatusCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = "--days",
      paramLabel = "N",
      defaultValue = "7",
      description = "How many dates to look at, ending at --date (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(
      names = "--date",
      paramLabel = "YYYY-MM-DD",
      converter = DateConverter.class,
      description =
          "The last date that should have run, e.g. yesterday for a nightly monitor (default: the"
              + " latest date in pipeline_runs).")
  LocalDate date;

  @Override
  public Integer call() {
    try (JobContext ctx = JobContext.open(config, "segments status")) {
      RunStatus status = RunStatus.of(ctx.pipeline().warehouse(), Optional.ofNullable(date), days);
      print(status, ctx.settings().warehousePath(), System.out);
      return status.healthy() ? 0 : 1;
    }
  }

  public static void print(RunStatus s, String warehouse, PrintStream out) {
    out.printf(
        "status of %s, %s .. %s (latest run date: %s)%n",
        warehouse, s.from(), s.through(), s.latestRun().map(LocalDate::toString).orElse("none"));
    List<String> stages = Stages.names();
    StringBuilder header = new StringBuilder(String.format("  %-10s", "date"));
    stages.forEach(st -> header.append(String.format("  %-14s", st)));
    out.println(header);
    for (LocalDate d = s.from(); !d.isAfter(s.through()); d = d.plusDays(1)) {
      LocalDate day = d;
      StringBuilder line = new StringBuilder(String.format("  %-10s", d));
      for (String st : stages) {
        Optional<StageRun> r =
            s.runs().stream().filter(x -> x.date().equals(day) && x.stage().equals(st)).findFirst();
        line.append(String.format("  %-14s", r.map(StatusCommand::cell).orElse("-")));
      }
      out.println(line.toString().stripTrailing());
    }
    if (s.latestRun().isEmpty()) {
      out.println("no run recorded in pipeline_runs for these dates");
    }
    if (!s.failed().isEmpty()) {
      out.printf("failed stages (%d):%n", s.failed().size());
      for (StageRun r : s.failed()) {
        out.printf(
            "  %s %s: failed at %s after %.1f s (run %s, attempt %d): %s%n",
            r.date(),
            r.stage(),
            r.startedAt(),
            r.durationMs() / 1000.0,
            r.runId(),
            r.attempts(),
            r.error().map(e -> e.lines().findFirst().orElse("")).orElse("(no message)"));
      }
    }
    if (!s.stale().isEmpty()) {
      out.printf(
          "stale segments (%d), newest date before %s:%n",
          s.stale().size(), s.latestRun().orElseThrow());
      for (RunStatus.Stale st : s.stale()) {
        out.printf(
            "  %s: %s%n",
            st.segmentId(), st.newest().map(x -> "newest " + x).orElse("no rows at all"));
      }
    }
    if (!s.missing().isEmpty()) {
      out.printf(
          "dates with no run (%d): %s%n",
          s.missing().size(),
          String.join(", ", s.missing().stream().map(Object::toString).toList()));
    }
    out.println(
        s.healthy()
            ? "status: ok"
            : String.format(
                "status: PROBLEMS (%d failed stages, %d stale segments, %d dates with no run)",
                s.failed().size(), s.stale().size(), s.missing().size()));
  }

  /** One table cell: ok / FAILED, the duration, and the attempts when there were several. */
  private static String cell(StageRun r) {
    return (r.failed() ? "FAILED" : "ok")
        + String.format(" %.1fs", r.durationMs() / 1000.0)
        + (r.attempts() > 1 ? " x" + r.attempts() : "");
  }
}
