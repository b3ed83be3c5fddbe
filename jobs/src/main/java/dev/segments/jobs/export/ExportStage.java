package dev.segments.jobs.export;

import dev.segments.common.config.Settings;
import dev.segments.common.tables.TableNames;
import dev.segments.jobs.pipeline.CodegenChoice;
import dev.segments.jobs.pipeline.Stage;
import dev.segments.jobs.pipeline.StageContext;
import dev.segments.jobs.pipeline.StageOption;
import dev.segments.jobs.pipeline.StageSummary;
import dev.segments.jobs.segments.SegmentsJob;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The export stage of the registry: {@code segments export --date D} and the last stage of run. */
public final class ExportStage implements Stage {
  static final String DESTINATION = "--destination";
  static final String DRY_RUN = "--dry-run";
  static final String FULL_RESYNC = "--full-resync";

  @Override
  public String name() {
    return "export";
  }

  @Override
  public String description() {
    return "Syncs segments and their fields to the configured destinations (HubSpot, Intercom, Segment, "
        + "files), sending what changed since each destination's last acknowledgement; writes export_state "
        + "and export_runs. Does nothing when no destination is enabled.";
  }

  @Override
  public String dateHelp() {
    return "The as-of date whose segments are sent (segments must have run for it).";
  }

  @Override
  public List<String> reads() {
    return List.of(
        TableNames.SEGMENT_MEMBERS,
        TableNames.SEGMENT_CHANGES,
        TableNames.USER_FEATURES,
        TableNames.ACCOUNT_FEATURES,
        TableNames.USER_SCORES,
        TableNames.ACCOUNT_SCORES,
        TableNames.EXPORT_STATE,
        TableNames.EXPORT_RUNS);
  }

  @Override
  public List<CodegenChoice.Source> sizedInputs() {
    return List.of(CodegenChoice.Source.tableOnDate(TableNames.SEGMENT_MEMBERS));
  }

  @Override
  public boolean needsSegmentDefinitions() {
    return true;
  }

  @Override
  public List<StageOption> options() {
    return List.of(
        StageOption.value(
            DESTINATION, "NAME", "Only this destination (exports.destinations.<NAME>)."),
        StageOption.flag(
            DRY_RUN,
            "Print per destination what would be sent (adds, changes, removes: counts and a sample); "
                + "send and write nothing."),
        StageOption.flag(
            FULL_RESYNC,
            "Forget what the destination (--destination) acknowledged and send every member again."));
  }

  static ExportJob.Options options(Map<String, Object> values) {
    return new ExportJob.Options(
        Optional.ofNullable((String) values.get(DESTINATION)),
        Boolean.TRUE.equals(values.get(DRY_RUN)),
        Boolean.TRUE.equals(values.get(FULL_RESYNC)));
  }

  @Override
  public List<String> problems(Settings settings, Map<String, Object> values) {
    ExportJob.Options o = options(values);
    List<String> problems = new ArrayList<>();
    if (o.fullResync() && o.destination().isEmpty()) {
      problems.add("--full-resync forgets one destination's state: name it with --destination");
    }
    if (settings.exports().enabled().isEmpty() && o.destination().isEmpty()) {
      return problems;
    }
    problems.addAll(
        ExportJob.problems(
            settings, SegmentsJob.definitions(settings), System.getenv(), o.destination()));
    return problems;
  }

  @Override
  public StageSummary run(StageContext context, LocalDate date) {
    return new ExportJob(context, options(context.options())).run(date);
  }
}
