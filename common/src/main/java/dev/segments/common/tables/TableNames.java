package dev.segments.common.tables;

import java.util.List;

/** The names of every table the pipeline writes (stable: users' jobs and dashboards read them). */
public final class TableNames {
  public static final String EVENTS = "events";
  public static final String EVENTS_REJECTED = "events_rejected";
  public static final String INGEST_RUNS = "ingest_runs";
  public static final String USER_TRAITS = "user_traits";
  public static final String ACCOUNT_TRAITS = "account_traits";
  public static final String MEMBERSHIPS = "memberships";
  public static final String USER_DAILY_ACTIVITY = "user_daily_activity";
  public static final String USER_EVENT_TOTALS = "user_event_totals";
  public static final String USER_FEATURES = "user_features";
  public static final String ACCOUNT_FEATURES = "account_features";
  public static final String USER_SCORES = "user_scores";
  public static final String ACCOUNT_SCORES = "account_scores";
  public static final String SEGMENT_THRESHOLDS = "segment_thresholds";
  public static final String SEGMENT_DEFINITIONS = "segment_definitions";
  public static final String SEGMENT_MEMBERS = "segment_members";
  public static final String SEGMENT_CHANGES = "segment_changes";
  public static final String SEGMENT_SIZES = "segment_sizes";

  /** Every table, in the order the pipeline first writes them. */
  public static final List<String> ALL =
      List.of(
          EVENTS,
          EVENTS_REJECTED,
          INGEST_RUNS,
          USER_TRAITS,
          ACCOUNT_TRAITS,
          MEMBERSHIPS,
          USER_DAILY_ACTIVITY,
          USER_EVENT_TOTALS,
          USER_FEATURES,
          ACCOUNT_FEATURES,
          USER_SCORES,
          ACCOUNT_SCORES,
          SEGMENT_THRESHOLDS,
          SEGMENT_DEFINITIONS,
          SEGMENT_MEMBERS,
          SEGMENT_CHANGES,
          SEGMENT_SIZES);

  /** The membership table of one segment (one per segment id; not in {@link #ALL}). */
  public static String segment(String id) {
    return "segment_" + id;
  }

  private TableNames() {}
}
