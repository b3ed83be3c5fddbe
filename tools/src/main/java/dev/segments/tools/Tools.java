package dev.segments.tools;

import dev.segments.jobs.Main;
import picocli.CommandLine;

/**
 * The developers' entry point: every product command of {@link Main}, and the tooling that the
 * product's jar does not ship: {@code steps} (several commands in one JVM, for scripts/demo.sh and
 * scripts/bench.sh) and the benchmark's {@code bench-groupby}, {@code bench-duckdb} and {@code
 * bench-copy}. Run by {@code SEGMENTS_TOOLS=1 scripts/segments ...}.
 */
public final class Tools {
  private Tools() {}

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** The product's command line with the tooling commands added. */
  public static CommandLine commandLine() {
    CommandLine cli = Main.commandLine();
    cli.addSubcommand(new StepsCommand());
    cli.addSubcommand(new BenchGroupByCommand());
    cli.addSubcommand(new BenchDuckDbCommand());
    cli.addSubcommand(new BenchCopyCommand());
    cli.addSubcommand(new CheckPeriodsCommand());
    return cli;
  }

  /** Runs a command line; returns the exit code (0 ok, 1 failed, 2 bad usage). */
  public static int execute(String... args) {
    CommandLine cli = commandLine();
    cli.setExecutionExceptionHandler(Main.errors());
    return cli.execute(args);
  }
}
