package dev.segments.jobs.cli;

import static org.apache.spark.sql.functions.col;

import dev.segments.common.UserError;
import dev.segments.common.config.Settings;
import dev.segments.common.segments.SegmentDefinition;
import dev.segments.common.segments.SegmentLoader;
import dev.segments.jobs.segments.InvalidSegmentsException;
import dev.segments.jobs.segments.SegmentsEvaluator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "preview",
    mixinStandardHelpOptions = true,
    description =
        "Evaluates one segment (an id, or a .conf file with new definitions) on a date's tables and prints its "
            + "size and a sample of members. Nothing is written.")
public final class PreviewCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = "--segment",
      required = true,
      paramLabel = "ID|FILE",
      description =
          "A segment id (configured or generated), or a .conf file of definitions (all of them are previewed).")
  String segment;

  @Option(
      names = "--date",
      required = true,
      paramLabel = "YYYY-MM-DD",
      converter = DateConverter.class,
      description = "The as-of date (scores must exist for it).")
  LocalDate date;

  @Option(names = "--sample", defaultValue = "20", description = "Members to show (default 20).")
  int sample;

  @Override
  public Integer call() {
    Settings settings = config.load();
    SegmentLoader.Result configured = SegmentLoader.load(Path.of(settings.segmentsDir()), settings);
    List<SegmentDefinition> all = new ArrayList<>();
    List<String> wanted = new ArrayList<>();
    Path file = Path.of(segment);
    if (segment.endsWith(".conf") && Files.isRegularFile(file)) {
      SegmentLoader.Result own = SegmentLoader.load(file, settings);
      if (!own.ok()) {
        throw new InvalidSegmentsException(own.errors());
      }
      all.addAll(own.segments());
      own.segments().stream()
          .filter(d -> d.kind() == SegmentDefinition.Kind.CUSTOM)
          .forEach(d -> wanted.add(d.id()));
      // Configured custom segments the file's ones may refer to.
      configured.segments().stream()
          .filter(d -> d.kind() == SegmentDefinition.Kind.CUSTOM)
          .filter(d -> all.stream().noneMatch(x -> x.id().equals(d.id())))
          .forEach(all::add);
    } else {
      if (!configured.ok()) {
        throw new InvalidSegmentsException(configured.errors());
      }
      all.addAll(configured.segments());
      if (all.stream().noneMatch(d -> d.id().equals(segment))) {
        throw new UserError(
            "No segment '" + segment + "' (segments validate lists them; or give a .conf file)");
      }
      wanted.add(segment);
    }
    try (JobContext ctx = JobContext.open(config, "segments preview " + segment)) {
      SegmentsEvaluator job = new SegmentsEvaluator(ctx.stageContext());
      Dataset<Row> members =
          job.members(date, all).where(col("segment_id").isin(wanted.toArray())).cache();
      for (String id : wanted) {
        Dataset<Row> one = members.where(col("segment_id").equalTo(id));
        long count = one.count();
        System.out.printf("%s on %s: %,d members (nothing written)%n", id, date, count);
        // Printed through System.out (not Dataset.show, whose Scala Console keeps the stream
        // it found when first loaded), so the listing follows wherever stdout points.
        List<Row> shown =
            one.select("entity", "entity_id").orderBy("entity_id").limit(sample).collectAsList();
        for (Row r : shown) {
          System.out.printf("  %-8s %s%n", r.getString(0), r.getString(1));
        }
        if (count > shown.size()) {
          System.out.printf("  ... and %,d more (--sample N shows more)%n", count - shown.size());
        }
      }
      members.unpersist();
      job.release();
    }
    return 0;
  }
}
