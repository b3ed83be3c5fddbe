package dev.segments.jobs.pipeline;

import dev.segments.common.UserError;
import dev.segments.common.tables.Warehouse;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs stages of the registry ({@link Stages}) for one date, or for a range of dates one by one in
 * order.
 */
public final class Pipeline {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private final StageContext context;
  private final CodegenChoice codegen;

  public Pipeline(StageContext context) {
    this.context = context;
    this.codegen = new CodegenChoice(context);
  }

  public Warehouse warehouse() {
    return context.warehouse();
  }

  /**
   * Runs one stage for one date, printing its summary; returns its result. A stage that fails
   * throws its error after its result (status failed, the error kept) is logged.
   */
  public StageResult runStage(Stage stage, LocalDate date, PrintStream out) {
    long start = System.nanoTime();
    context.warehouse().takeWritten();
    try (CodegenChoice.Restore restore = codegen.applyFor(stage, date)) {
      context
          .spark()
          .sparkContext()
          .setJobGroup(
              stage.name() + " " + date, "segments " + stage.name() + " --date " + date, false);
      StageSummary summary = stage.run(context, date);
      out.print(summary.render());
      StageResult result =
          new StageResult(
              stage.name(),
              date,
              StageResult.Status.SUCCEEDED,
              elapsed(start),
              summary.rowsRead(),
              context.warehouse().takeWritten(),
              Optional.of(summary),
              Optional.empty());
      LOG.info(
          "Stage {} for {} took {} ms; rows written {}",
          stage.name(),
          date,
          result.duration().toMillis(),
          result.rowsWritten());
      return result;
    } catch (RuntimeException e) {
      StageResult result =
          new StageResult(
              stage.name(),
              date,
              StageResult.Status.FAILED,
              elapsed(start),
              java.util.Map.of(),
              context.warehouse().takeWritten(),
              Optional.empty(),
              Optional.of(String.valueOf(e.getMessage())));
      LOG.error(
          "Stage {} for {} failed after {} ms: {}",
          stage.name(),
          date,
          result.duration().toMillis(),
          result.error().get());
      throw e;
    }
  }

  private static Duration elapsed(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /**
   * The given stages (in pipeline order) for every date from {@code from} to {@code to}, in date
   * order.
   */
  public List<StageResult> run(LocalDate from, LocalDate to, List<Stage> stages, PrintStream out) {
    if (to.isBefore(from)) {
      throw new UserError("Cannot run: --to " + to + " is before --from " + from);
    }
    List<StageResult> results = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      for (Stage stage : stages) {
        results.add(runStage(stage, d, out));
      }
    }
    return results;
  }
}
