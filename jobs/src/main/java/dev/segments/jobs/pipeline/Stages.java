package dev.segments.jobs.pipeline;

import static dev.segments.common.tables.TableNames.ACCOUNT_FEATURES;
import static dev.segments.common.tables.TableNames.ACCOUNT_SCORES;
import static dev.segments.common.tables.TableNames.ACCOUNT_TRAITS;
import static dev.segments.common.tables.TableNames.EVENTS;
import static dev.segments.common.tables.TableNames.INGEST_RUNS;
import static dev.segments.common.tables.TableNames.MEMBERSHIPS;
import static dev.segments.common.tables.TableNames.SEGMENT_DEFINITIONS;
import static dev.segments.common.tables.TableNames.SEGMENT_MEMBERS;
import static dev.segments.common.tables.TableNames.SEGMENT_SIZES;
import static dev.segments.common.tables.TableNames.SEGMENT_THRESHOLDS;
import static dev.segments.common.tables.TableNames.USER_DAILY_ACTIVITY;
import static dev.segments.common.tables.TableNames.USER_EVENT_TOTALS;
import static dev.segments.common.tables.TableNames.USER_FEATURES;
import static dev.segments.common.tables.TableNames.USER_SCORES;
import static dev.segments.common.tables.TableNames.USER_TRAITS;

import dev.segments.common.UserError;
import dev.segments.common.tables.TableNames;
import dev.segments.jobs.features.FeaturesJob;
import dev.segments.jobs.ingest.IngestJob;
import dev.segments.jobs.pipeline.CodegenChoice.Source;
import dev.segments.jobs.score.ScoreJob;
import dev.segments.jobs.segments.SegmentsJob;
import java.time.LocalDate;
import java.util.List;
import java.util.function.BiFunction;

/** The stage registry: every stage of the pipeline, in the order a run executes them. */
public final class Stages {
  private Stages() {}

  /** A stage from its parts (the four stages differ only in these). */
  private record Defined(
      String name,
      String description,
      String dateHelp,
      List<String> reads,
      List<Source> sizedInputs,
      boolean needsSegmentDefinitions,
      BiFunction<StageContext, LocalDate, StageSummary> job)
      implements Stage {
    @Override
    public StageSummary run(StageContext context, LocalDate date) {
      return job.apply(context, date);
    }
  }

  public static final Stage INGEST =
      new Defined(
          "ingest",
          "Reads one day's raw events into events, events_rejected, the traits tables and memberships.",
          "The day to ingest (its input folder is dt=YYYY-MM-DD).",
          List.of(
              EVENTS,
              USER_TRAITS,
              ACCOUNT_TRAITS,
              TableNames.USER_TRAITS_HISTORY,
              TableNames.ACCOUNT_TRAITS_HISTORY),
          List.of(Source.inputDay()),
          false,
          (ctx, date) -> new IngestJob(ctx).run(date));

  public static final Stage FEATURES =
      new Defined(
          "features",
          "Updates the daily rollup and writes the user_features, account_features and account_hierarchy snapshots of one"
              + " day.",
          "The as-of date (ingest must have run for it).",
          List.of(
              INGEST_RUNS,
              EVENTS,
              MEMBERSHIPS,
              TableNames.USER_TRAITS_HISTORY,
              TableNames.ACCOUNT_TRAITS_HISTORY,
              USER_EVENT_TOTALS,
              USER_DAILY_ACTIVITY),
          List.of(Source.inputDay(), Source.table(USER_DAILY_ACTIVITY)),
          false,
          (ctx, date) -> new FeaturesJob(ctx).run(date));

  public static final Stage SCORE =
      new Defined(
          "score",
          "Writes the engagement and activation scores (user_scores, account_scores) and segment_thresholds of one day, "
              + "for every workspace.",
          "The as-of date (features must have run for it).",
          List.of(
              USER_FEATURES,
              ACCOUNT_FEATURES,
              TableNames.ACCOUNT_HIERARCHY,
              USER_DAILY_ACTIVITY,
              USER_SCORES,
              ACCOUNT_SCORES),
          List.of(Source.tableOnDate(USER_FEATURES)),
          false,
          (ctx, date) -> new ScoreJob(ctx).run(date));

  // Event conditions ("at least 3 in 14 days") aggregate the rollup per user: with many custom
  // segments over many users that is where generated code pays.
  public static final Stage SEGMENTS =
      new Defined(
          "segments",
          "Evaluates every segment (standard, suggested, custom) for one day: writes segment_<id> per segment, "
              + "segment_members, segment_changes, segment_sizes and segment_definitions.",
          "The as-of date (score must have run for it).",
          List.of(
              USER_FEATURES,
              ACCOUNT_FEATURES,
              TableNames.ACCOUNT_HIERARCHY,
              USER_SCORES,
              ACCOUNT_SCORES,
              SEGMENT_THRESHOLDS,
              USER_DAILY_ACTIVITY,
              USER_EVENT_TOTALS,
              EVENTS,
              SEGMENT_MEMBERS,
              SEGMENT_SIZES,
              SEGMENT_DEFINITIONS),
          List.of(Source.tableOnDate(USER_FEATURES), Source.table(USER_DAILY_ACTIVITY)),
          true,
          (ctx, date) -> new SegmentsJob(ctx).run(date));

  /** Sends the day's segments to the configured destinations (nothing when there are none). */
  public static final Stage EXPORT = new dev.segments.jobs.export.ExportStage();

  /** Every stage, in run order. */
  public static final List<Stage> ALL = List.of(INGEST, FEATURES, SCORE, SEGMENTS, EXPORT);

  public static List<String> names() {
    return ALL.stream().map(Stage::name).toList();
  }

  public static Stage get(String name) {
    return ALL.stream()
        .filter(s -> s.name().equals(name.trim()))
        .findFirst()
        .orElseThrow(
            () ->
                new UserError(
                    "Unknown stage '" + name + "'; stages are " + String.join(", ", names())));
  }

  /** The named stages in run order; all of them for null or empty. */
  public static List<Stage> parse(List<String> names) {
    if (names == null || names.isEmpty()) {
      return ALL;
    }
    boolean[] wanted = new boolean[ALL.size()];
    for (String n : names) {
      wanted[ALL.indexOf(get(n))] = true;
    }
    return java.util.stream.IntStream.range(0, ALL.size())
        .filter(i -> wanted[i])
        .mapToObj(ALL::get)
        .toList();
  }

  /**
   * {"stages": ["ingest", ...]}: what the Airflow DAG reads (scripts/airflow/segments_stages.json).
   */
  public static String json() {
    return "{\"stages\": ["
        + String.join(", ", names().stream().map(s -> "\"" + s + "\"").toList())
        + "]}";
  }
}
