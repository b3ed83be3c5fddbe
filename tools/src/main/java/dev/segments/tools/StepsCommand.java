package dev.segments.tools;

import dev.segments.common.UserError;
import dev.segments.jobs.cli.ConfigOptions;
import dev.segments.jobs.cli.JobContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * Several subcommands in one JVM and one Spark session, one after the other; stops at the first
 * that fails and returns its exit code. For scripts/demo.sh: on a day of sample data most of a
 * stage's time is fixed cost, and starting a JVM and a session per command (and running each
 * command's first stage with cold code) adds about half a minute to the demo.
 */
@Command(
    name = "steps",
    hidden = true,
    mixinStandardHelpOptions = true,
    description =
        "Runs subcommands one after the other in one session: steps [-Dk=v ...] -- CMD [ARGS] + CMD [ARGS] ... "
            + "The -D options before -- configure the session (each step still takes its own).")
public final class StepsCommand implements Callable<Integer> {
  /** The token between two steps' command lines. */
  static final String SEPARATOR = "+";

  @Mixin ConfigOptions config;

  @Parameters(
      arity = "1..*",
      paramLabel = "STEP",
      description = "Subcommand lines, separated by '+'.")
  List<String> words;

  @Override
  public Integer call() {
    List<List<String>> steps = split(words);
    for (List<String> step : steps) {
      if (step.isEmpty() || step.get(0).equals("steps")) {
        throw new UserError(
            "Cannot run steps: each step is a subcommand (not steps) with its options, got "
                + steps);
      }
    }
    try (JobContext ctx = JobContext.open(config, "segments steps")) {
      for (List<String> step : steps) {
        int code = Tools.execute(step.toArray(String[]::new));
        if (code != 0) {
          return code;
        }
      }
    }
    return 0;
  }

  static List<List<String>> split(List<String> words) {
    List<List<String>> steps = new ArrayList<>();
    List<String> current = new ArrayList<>();
    for (String w : words) {
      if (w.equals(SEPARATOR)) {
        steps.add(current);
        current = new ArrayList<>();
      } else {
        current.add(w);
      }
    }
    steps.add(current);
    return steps;
  }
}
