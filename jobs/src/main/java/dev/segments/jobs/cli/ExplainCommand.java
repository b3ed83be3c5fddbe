package dev.segments.jobs.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.segments.common.config.Settings;
import dev.segments.common.segments.SegmentLoader;
import dev.segments.jobs.segments.Explainer;
import dev.segments.jobs.segments.InvalidSegmentsException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description =
        "Why a user or account is or is not in a segment on a date: the definition tree with, at"
            + " every node, the values read for it and the result; for user aggregates the users"
            + " that matched; for references the referenced segment's answer. Reads the stored"
            + " tables of the date; writes nothing.")
public final class ExplainCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--segment", required = true, paramLabel = "ID", description = "The segment.")
  String segment;

  @Option(
      names = "--entity",
      required = true,
      paramLabel = "ID",
      description = "The user id or account id (after the segment's entity).")
  String entity;

  @Option(
      names = "--date",
      required = true,
      paramLabel = "YYYY-MM-DD",
      converter = DateConverter.class,
      description = "The as-of date (scores must exist for it).")
  LocalDate date;

  @Option(names = "--json", description = "Prints the tree as JSON.")
  boolean json;

  @Option(
      names = "--users",
      defaultValue = "10",
      paramLabel = "N",
      description =
          "Matched users listed per user aggregate (default 10; the count is always given).")
  int users;

  @Override
  public Integer call() throws JsonProcessingException {
    Settings settings = config.load();
    SegmentLoader.Result configured = SegmentLoader.load(Path.of(settings.segmentsDir()), settings);
    if (!configured.ok()) {
      throw new InvalidSegmentsException(configured.errors());
    }
    try (JobContext ctx = JobContext.open(config, "segments explain " + segment)) {
      Explainer.Explanation e =
          new Explainer(ctx.stageContext())
              .explain(configured.segments(), segment, entity, date, Math.max(0, users));
      if (json) {
        System.out.println(
            new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(e.json()));
      } else {
        e.lines().forEach(System.out::println);
      }
    }
    return 0;
  }
}
