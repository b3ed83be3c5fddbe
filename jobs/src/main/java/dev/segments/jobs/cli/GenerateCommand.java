package dev.segments.jobs.cli;

import dev.segments.common.UserError;
import dev.segments.common.config.InputSettings.InputFormat;
import dev.segments.common.config.Settings;
import dev.segments.jobs.generate.GeneratorSpec;
import dev.segments.jobs.generate.SampleDataGenerator;
import java.time.LocalDate;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description =
        "Writes deterministic sample input (one dt=YYYY-MM-DD folder per day) for demos, tests and benchmarks.")
public final class GenerateCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = "--output",
      paramLabel = "DIR",
      description = "Where to write (default: input.path).")
  String output;

  @Option(
      names = "--format",
      paramLabel = "json|parquet",
      description = "json (gzip NDJSON) or parquet (default: input.format).")
  String format;

  @Option(
      names = "--start",
      paramLabel = "YYYY-MM-DD",
      converter = DateConverter.class,
      description = "First day (default: --days days before today, so the last day is yesterday).")
  LocalDate start;

  @Option(
      names = "--days",
      defaultValue = "30",
      description = "Days to write (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(
      names = "--users",
      defaultValue = "400",
      description = "Users (default: ${DEFAULT-VALUE}).")
  int users;

  @Option(
      names = "--accounts",
      defaultValue = "50",
      description = "Accounts (default: ${DEFAULT-VALUE}).")
  int accounts;

  @Option(
      names = "--events-per-user-day",
      defaultValue = "8",
      description = "Mean track events of a user on an active day (default: ${DEFAULT-VALUE}).")
  double eventsPerUserDay;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Random seed: the same seed gives the same data (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--bad-row-rate",
      defaultValue = "0.003",
      description = "Share of rows made bad on purpose (default: ${DEFAULT-VALUE}).")
  double badRowRate;

  @Option(
      names = "--files-per-day",
      defaultValue = "1",
      description = "Files per day folder (default: ${DEFAULT-VALUE}).")
  int filesPerDay;

  @Override
  public Integer call() {
    LocalDate first =
        start != null ? start : LocalDate.now(java.time.ZoneOffset.UTC).minusDays(days);
    GeneratorSpec spec =
        new GeneratorSpec(
            first, days, users, accounts, eventsPerUserDay, seed, badRowRate, filesPerDay);
    try (JobContext ctx = JobContext.open(config, "segments generate")) {
      Settings settings = ctx.settings();
      String out = output != null ? output : settings.input().path();
      InputFormat fmt = format == null ? settings.input().format() : parseFormat(format);
      long rows = new SampleDataGenerator(ctx.spark()).write(spec, out, fmt);
      System.out.printf(
          "generated %,d rows (%s) for %s .. %s into %s%n",
          rows, fmt.name().toLowerCase(Locale.ROOT), spec.start(), spec.end(), out);
    }
    return 0;
  }

  private static InputFormat parseFormat(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "json" -> InputFormat.JSON;
      case "parquet" -> InputFormat.PARQUET;
      default ->
          throw new UserError(
              "Cannot generate: --format must be json or parquet, got '" + value + "'");
    };
  }
}
