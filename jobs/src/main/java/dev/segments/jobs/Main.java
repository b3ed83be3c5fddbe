package dev.segments.jobs;

import dev.segments.common.config.InvalidConfigException;
import dev.segments.jobs.cli.BenchCopyCommand;
import dev.segments.jobs.cli.BenchDuckDbCommand;
import dev.segments.jobs.cli.BenchGroupByCommand;
import dev.segments.jobs.cli.CompareCommand;
import dev.segments.jobs.cli.FeaturesCommand;
import dev.segments.jobs.cli.GenerateCommand;
import dev.segments.jobs.cli.IngestCommand;
import dev.segments.jobs.cli.RunCommand;
import dev.segments.jobs.cli.ScoreCommand;
import dev.segments.jobs.cli.SegmentsCommand;
import dev.segments.jobs.cli.ValidateCommand;
import dev.segments.jobs.cli.PreviewCommand;
import dev.segments.jobs.cli.StagesCommand;
import dev.segments.jobs.cli.TablesCommand;
import dev.segments.jobs.cli.StepsCommand;
import dev.segments.jobs.cli.SummaryCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The one entry point: {@code spark-submit --class dev.segments.jobs.Main segments-jobs-app.jar
 * <subcommand> [options]}, or {@code scripts/segments <subcommand>} locally. Exits non-zero on any
 * failure so schedulers see it.
 */
@Command(
    name = "segments",
    mixinStandardHelpOptions = true,
    version = "segments 0.1.0",
    description = "Product events to user and account features, scores and segments, as Delta tables.",
    subcommands = {
      GenerateCommand.class,
      IngestCommand.class,
      FeaturesCommand.class,
      ScoreCommand.class,
      SegmentsCommand.class,
      ValidateCommand.class,
      PreviewCommand.class,
      StagesCommand.class,
      TablesCommand.class,
      RunCommand.class,
      SummaryCommand.class,
      CompareCommand.class,
      BenchGroupByCommand.class,
      BenchDuckDbCommand.class,
      BenchCopyCommand.class,
      StepsCommand.class
    })
public final class Main implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line; returns the exit code (0 ok, 1 failed, 2 bad usage). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          if (e instanceof InvalidConfigException
              || e instanceof dev.segments.jobs.segments.InvalidSegmentsException
              || e instanceof IllegalStateException
              || e instanceof IllegalArgumentException) {
            // Expected failures: the message says what and how to fix it.
            err.println("segments " + commandLine.getCommandName() + " failed: " + e.getMessage());
          } else {
            err.println("segments " + commandLine.getCommandName() + " failed:");
            e.printStackTrace(err);
          }
          err.flush();
          return 1;
        });
    return cli.execute(args);
  }
}
