package dev.segments.jobs;

import dev.segments.common.UserError;
import dev.segments.jobs.cli.BackfillCommand;
import dev.segments.jobs.cli.CompareCommand;
import dev.segments.jobs.cli.ExplainCommand;
import dev.segments.jobs.cli.GenerateCommand;
import dev.segments.jobs.cli.MaintainCommand;
import dev.segments.jobs.cli.PlanCommand;
import dev.segments.jobs.cli.PreviewCommand;
import dev.segments.jobs.cli.ReportCommand;
import dev.segments.jobs.cli.RunCommand;
import dev.segments.jobs.cli.StageCommand;
import dev.segments.jobs.cli.StagesCommand;
import dev.segments.jobs.cli.StatusCommand;
import dev.segments.jobs.cli.SummaryCommand;
import dev.segments.jobs.cli.TablesCommand;
import dev.segments.jobs.cli.ValidateCommand;
import dev.segments.jobs.pipeline.Stages;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The one entry point: {@code spark-submit --class dev.segments.jobs.Main segments-jobs-app.jar
 * <subcommand> [options]}, or {@code scripts/segments <subcommand>} locally. Exits non-zero on any
 * failure so schedulers see it.
 */
@Command(
    name = "segments",
    mixinStandardHelpOptions = true,
    version = "segments 0.1.0",
    description =
        "Product events to user and account features, scores and segments, as Delta tables.")
public final class Main implements Runnable {
  /** The subcommands after {@code generate} and the stages, in the order --help lists them. */
  private static final Class<?>[] COMMANDS = {
    ValidateCommand.class,
    PreviewCommand.class,
    ExplainCommand.class,
    PlanCommand.class,
    BackfillCommand.class,
    StagesCommand.class,
    TablesCommand.class,
    RunCommand.class,
    SummaryCommand.class,
    StatusCommand.class,
    ReportCommand.class,
    CompareCommand.class,
    MaintainCommand.class
  };

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** The command line: generate, one command per stage of the registry, then the others. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.addSubcommand(new GenerateCommand());
    Stages.ALL.forEach(stage -> cli.addSubcommand(stage.name(), StageCommand.of(stage)));
    for (Class<?> c : COMMANDS) {
      cli.addSubcommand(c);
    }
    return cli;
  }

  /** Runs a command line; returns the exit code (0 ok, 1 failed, 2 bad usage). */
  public static int execute(String... args) {
    CommandLine cli = commandLine();
    cli.setExecutionExceptionHandler(errors());
    return cli.execute(args);
  }

  /**
   * How a failed command ends: a user error as one line, anything else with its stack trace; exit
   * 1.
   */
  public static CommandLine.IExecutionExceptionHandler errors() {
    return (e, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      if (e instanceof UserError) {
        // The project's own user-facing failures: the message says what and how to fix it.
        err.println("segments " + commandLine.getCommandName() + " failed: " + e.getMessage());
      } else {
        // Anything else (a bug, Spark's or Delta's internal errors): the whole stack trace.
        err.println("segments " + commandLine.getCommandName() + " failed:");
        e.printStackTrace(err);
      }
      err.flush();
      return 1;
    };
  }
}
