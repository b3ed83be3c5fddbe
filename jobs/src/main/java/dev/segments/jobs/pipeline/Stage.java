package dev.segments.jobs.pipeline;

import dev.segments.common.tables.TableCatalog;
import dev.segments.common.tables.TableSpec;
import java.time.LocalDate;
import java.util.List;

/**
 * One stage of the pipeline: its name (the CLI subcommand and the Airflow task), what it does, the
 * tables it reads and writes, and its run for one date. Stages are listed, in run order, in {@link
 * Stages}; the pipeline, {@code stages --json}, the Airflow DAG and the per-stage commands are all
 * built from that list.
 */
public interface Stage {
  String name();

  /** One sentence for {@code --help}. */
  String description();

  /** What {@code --date} means for this stage, for {@code --help}. */
  String dateHelp();

  /** The tables it reads (names as in the catalog). */
  List<String> reads();

  /** The tables it writes: those of the catalog whose writer is this stage. */
  default List<String> writes() {
    List<String> tables =
        new java.util.ArrayList<>(
            TableCatalog.ALL.stream()
                .filter(t -> t.stage().equals(name()))
                .map(TableSpec::name)
                .toList());
    if (TableCatalog.SEGMENT.stage().equals(name())) {
      tables.add(TableCatalog.SEGMENT.name());
    }
    return tables;
  }

  /** Options of its command beyond {@code --date}; in {@code run} they keep their defaults. */
  default List<StageOption> options() {
    return List.of();
  }

  /**
   * What stops a run with this stage before anything is written or Spark starts (e.g. an export
   * destination whose credential variable is unset), each naming the key and value.
   */
  default List<String> problems(
      dev.segments.common.config.Settings settings, java.util.Map<String, Object> options) {
    return List.of();
  }

  /** Whether the segment definitions must be loaded and valid before it starts. */
  default boolean needsSegmentDefinitions() {
    return false;
  }

  /**
   * What decides whether the stage runs with Spark's generated code ({@code spark.generated-code =
   * auto}): the inputs whose size on disk is measured.
   */
  List<CodegenChoice.Source> sizedInputs();

  /** Runs the stage's job for one date; the pipeline times it and records what it wrote. */
  StageSummary run(StageContext context, LocalDate date);
}
