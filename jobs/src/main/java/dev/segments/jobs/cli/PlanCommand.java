package dev.segments.jobs.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.segments.common.config.Settings;
import dev.segments.common.segments.SegmentLoader;
import dev.segments.jobs.segments.InvalidSegmentsException;
import dev.segments.jobs.segments.Planner;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description =
        "What the working definitions would change against the deployed ones (the hashes in"
            + " segment_definitions): per new, changed and removed segment, its members now and"
            + " under the new definition, and who would enter and exit. Writes nothing. Exit 0"
            + " when nothing would change, 2 when something would, 1 on an error.")
public final class PlanCommand implements Callable<Integer> {
  /** The exit code when something would change (as terraform plan -detailed-exitcode). */
  public static final int CHANGES = 2;

  @Mixin ConfigOptions config;

  @Option(
      names = "--segments-dir",
      paramLabel = "DIR",
      description = "The working definitions (default: segments.dir).")
  Path segmentsDir;

  @Option(
      names = "--date",
      paramLabel = "YYYY-MM-DD",
      converter = DateConverter.class,
      description =
          "The date whose members are compared (default: the latest date the segments stage ran).")
  LocalDate date;

  @Option(
      names = "--sample",
      defaultValue = "10",
      paramLabel = "N",
      description = "Ids listed of those who would enter and exit, per segment (default 10).")
  int sample;

  @Option(names = "--json", description = "Prints the plan as JSON.")
  boolean json;

  @Override
  public Integer call() throws JsonProcessingException {
    Settings settings = config.load();
    Path dir = segmentsDir != null ? segmentsDir : Path.of(settings.segmentsDir());
    SegmentLoader.Result working = SegmentLoader.load(dir, settings);
    if (!working.ok()) {
      throw new InvalidSegmentsException(working.errors());
    }
    Planner.Plan plan;
    try (JobContext ctx = JobContext.open(config, "segments plan")) {
      plan =
          new Planner(ctx.stageContext())
              .plan(working.segments(), Optional.ofNullable(date), Math.max(0, sample));
    }
    if (json) {
      System.out.println(
          new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(plan.json()));
    } else {
      plan.lines().forEach(System.out::println);
    }
    return plan.changes() ? CHANGES : 0;
  }
}
