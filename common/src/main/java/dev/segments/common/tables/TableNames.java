package dev.segments.common.tables;

import java.util.List;

/** The names of every table the pipeline writes (stable: users' jobs and dashboards read them). */
public final class TableNames {
  public static final String EVENTS = "events";
  public static final String EVENTS_REJECTED = "events_rejected";
  public static final String INGEST_RUNS = "ingest_runs";
  public static final String USER_TRAITS = "user_traits";
  public static final String USER_TRAITS_HISTORY = "user_traits_history";
  public static final String ACCOUNT_TRAITS_HISTORY = "account_traits_history";
  public static final String ACCOUNT_TRAITS = "account_traits";
  public static final String MEMBERSHIPS = "memberships";
  public static final String USER_DAILY_ACTIVITY = "user_daily_activity";
  public static final String USER_EVENT_TOTALS = "user_event_totals";
  public static final String USER_FEATURES = "user_features";
  public static final String ACCOUNT_FEATURES = "account_features";
  public static final String ACCOUNT_HIERARCHY = "account_hierarchy";
  public static final String USER_SCORES = "user_scores";
  public static final String ACCOUNT_SCORES = "account_scores";
  public static final String SEGMENT_THRESHOLDS = "segment_thresholds";
  public static final String SEGMENT_DEFINITIONS = "segment_definitions";
  public static final String SEGMENT_MEMBERS = "segment_members";
  public static final String SEGMENT_CHANGES = "segment_changes";
  public static final String SEGMENT_MEMBERSHIP_PERIODS = "segment_membership_periods";
  public static final String SEGMENT_SIZES = "segment_sizes";
  public static final String SEGMENT_METRICS = "segment_metrics";
  public static final String EXPORT_STATE = "export_state";
  public static final String EXPORT_RUNS = "export_runs";
  public static final String PIPELINE_RUNS = "pipeline_runs";

  /**
   * Every table with a fixed name, in the order the pipeline first writes them (the catalog's
   * order).
   */
  public static final List<String> ALL = TableCatalog.ALL.stream().map(TableSpec::name).toList();

  /** The membership table of one segment (one per segment id; not in {@link #ALL}). */
  public static String segment(String id) {
    return "segment_" + id;
  }

  private TableNames() {}
}
