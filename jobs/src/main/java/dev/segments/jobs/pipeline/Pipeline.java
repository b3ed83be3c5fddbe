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
  private final RunLog runs;

  public Pipeline(StageContext context) {
    this.context = context;
    this.codegen = new CodegenChoice(context);
    this.runs = new RunLog(context);
  }

  public Warehouse warehouse() {
    return context.warehouse();
  }

  /**
   * Runs one stage for one date, printing its summary; returns its result. A stage that fails
   * throws its error after its result (status failed, the error kept) is logged.
   */
  public StageResult runStage(Stage stage, LocalDate date, PrintStream out) {
    List<StageResult> results = new ArrayList<>();
    try {
      return attempt(stage, date, out, results);
    } finally {
      runs.record(results);
    }
  }

  /** Runs a stage and adds its result, succeeded or failed, to {@code results}. */
  private StageResult attempt(
      Stage stage, LocalDate date, PrintStream out, List<StageResult> results) {
    java.time.Instant started = java.time.Instant.now();
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
              started,
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
      results.add(result);
      return result;
    } catch (RuntimeException e) {
      StageResult result =
          new StageResult(
              stage.name(),
              date,
              StageResult.Status.FAILED,
              started,
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
      results.add(result);
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
    int recorded = 0;
    try {
      for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
        for (Stage stage : stages) {
          attempt(stage, d, out, results);
        }
        if (runs.due()) {
          runs.record(results.subList(recorded, results.size()));
          recorded = results.size();
        }
      }
      return results;
    } finally {
      // Also after a failure: the failed stage's result is the last one.
      runs.record(results.subList(recorded, results.size()));
    }
  }
}
