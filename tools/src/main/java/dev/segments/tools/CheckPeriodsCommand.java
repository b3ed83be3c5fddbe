package dev.segments.tools;

import dev.segments.jobs.check.PeriodsCheck;
import dev.segments.jobs.cli.ConfigOptions;
import dev.segments.jobs.cli.JobContext;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** For scripts/sixty-nights.sh: segment_membership_periods against the daily memberships. */
@Command(
    name = "check-periods",
    mixinStandardHelpOptions = true,
    description =
        "Checks segment_membership_periods against segment_members on every date (exit 1 when"
            + " they differ).")
public final class CheckPeriodsCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Override
  public Integer call() {
    try (JobContext ctx = JobContext.open(config, "segments check-periods")) {
      PeriodsCheck.Result r = PeriodsCheck.check(ctx.stageContext().warehouse());
      System.out.println(r.render());
      return r.agrees() ? 0 : 1;
    }
  }
}
