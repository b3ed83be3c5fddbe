package dev.segments.jobs.cli;

import dev.segments.jobs.pipeline.Stage;
import dev.segments.jobs.pipeline.Stages;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Runs every stage in order for one date (--date) or for each date of a range (--from/--to, a backfill).")
public final class RunCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Dates dates;

  @Option(
      names = "--stages",
      split = ",",
      paramLabel = "STAGE[,STAGE...]",
      description =
          "Only these stages (run in pipeline order), e.g. --stages segments to rebuild segment tables over a "
              + "range after changing definitions. Default: all (ingest,features,score,segments,export).")
  List<String> stages;

  static final class Dates {
    @Option(
        names = "--date",
        required = true,
        paramLabel = "YYYY-MM-DD",
        converter = DateConverter.class,
        description = "Run one date.")
    LocalDate date;

    @ArgGroup(exclusive = false)
    Range range;
  }

  static final class Range {
    @Option(
        names = "--from",
        required = true,
        paramLabel = "YYYY-MM-DD",
        converter = DateConverter.class,
        description = "First date of a backfill.")
    LocalDate from;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "YYYY-MM-DD",
        converter = DateConverter.class,
        description = "Last date of a backfill (included).")
    LocalDate to;
  }

  @Override
  public Integer call() {
    LocalDate from = dates.date != null ? dates.date : dates.range.from;
    LocalDate to = dates.date != null ? dates.date : dates.range.to;
    List<Stage> selected = Stages.parse(stages);
    try (JobContext ctx =
        JobContext.open(config, "segments run " + from + ".." + to, selected, java.util.Map.of())) {
      System.out.println(
          "stages: " + String.join(" -> ", selected.stream().map(Stage::name).toList()));
      ctx.pipeline().run(from, to, selected, System.out);
    }
    return 0;
  }
}
