package dev.segments.jobs.cli;

import dev.segments.common.config.Settings;
import dev.segments.common.segments.SegmentLoader;
import dev.segments.jobs.segments.Backfill;
import dev.segments.jobs.segments.InvalidSegmentsException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "backfill",
    mixinStandardHelpOptions = true,
    description =
        "Writes one segment's history from the stored daily snapshots: for every date from A to B"
            + " that the segments stage ran, what the nightly run would have written had the"
            + " segment existed then (its segment_<id> table and its rows in segment_members,"
            + " segment_changes, segment_sizes, segment_metrics, segment_membership_periods)."
            + " Other segments' rows are not touched. Holds the run lock.")
public final class BackfillCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = "--segment",
      required = true,
      paramLabel = "ID",
      description = "A segment of segments.dir (new or changed).")
  String segment;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "YYYY-MM-DD",
      converter = DateConverter.class,
      description = "The first date.")
  LocalDate from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "YYYY-MM-DD",
      converter = DateConverter.class,
      description = "The last date.")
  LocalDate to;

  @Override
  public Integer call() {
    Settings settings = config.load();
    SegmentLoader.Result defs = SegmentLoader.load(Path.of(settings.segmentsDir()), settings);
    if (!defs.ok()) {
      throw new InvalidSegmentsException(defs.errors());
    }
    try (JobContext ctx =
        JobContext.open(config, "segments backfill " + segment, List.of(), java.util.Map.of())) {
      Backfill.Result r = new Backfill(ctx.stageContext()).run(defs.segments(), segment, from, to);
      System.out.printf(
          "backfill %s: %d dates (%s .. %s), %,d memberships written%n",
          r.segment(),
          r.dates().size(),
          r.dates().get(0),
          r.dates().get(r.dates().size() - 1),
          r.members());
    }
    return 0;
  }
}
