package dev.segments.common.tables;

import static dev.segments.common.tables.ColumnSpec.of;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every table the pipeline writes, as {@link TableSpec}s: the one place that names a table's
 * columns, types, meanings, partitioning, write mode, writer and key. The Delta column and table
 * comments come from here, and {@code docs/tables.md} is rendered from here ({@code segments tables
 * --markdown}; a test fails when the checked-in page differs).
 */
public final class TableCatalog {
  private TableCatalog() {}

  private static final String DAILY = "as_of_date";

  private static ColumnSpec asOf() {
    return of(DAILY, "date", "the run date");
  }

  private static TableSpec daily(
      String name,
      String group,
      String stage,
      String summary,
      String details,
      List<String> key,
      String notes,
      ColumnSpec... columns) {
    return new TableSpec(
        name,
        group,
        stage,
        summary,
        details,
        List.of(columns),
        Optional.of(DAILY),
        WriteMode.DATES_REPLACED,
        Optional.empty(),
        key,
        notes);
  }

  public static final TableSpec EVENTS =
      new TableSpec(
          TableNames.EVENTS,
          "Ingest",
          "ingest",
          "Accepted track / identify / group calls.",
          "",
          List.of(
              of("message_id", "string", "the call's messageId (unique across the table)"),
              of("type", "string", "`track`, `identify` or `group`"),
              of("event", "string", "event name (track only)"),
              of(
                  "user_id",
                  "string",
                  "userId (null on a group call that carries account traits only)"),
              of(
                  "group_id",
                  "string",
                  "the account the call names: groupId of group / identify, `context.groupId` of track"),
              of("timestamp", "timestamp", "when it happened (UTC)"),
              of("event_date", "date", "UTC date of `timestamp` (partition)"),
              of("ingest_date", "date", "the input day (folder `dt=`) that brought it"),
              of(
                  "properties",
                  "map<string,string>",
                  "track properties as text (nested values as JSON text)"),
              of("traits", "map<string,string>", "identify / group traits as text"),
              of("source_file", "string", "the input file")),
          Optional.of("event_date"),
          WriteMode.ROWS_OF_RUN_REPLACED,
          Optional.of("ingest_date"),
          List.of("message_id"),
          "");

  public static final TableSpec EVENTS_REJECTED =
      new TableSpec(
          TableNames.EVENTS_REJECTED,
          "Ingest",
          "ingest",
          "Every input row that was not accepted, with why.",
          "",
          List.of(
              of("ingest_date", "date", "input day (partition)"),
              of("reason", "string", "reason code (below)"),
              of("source_file", "string", "the input file"),
              of(
                  "raw",
                  "string",
                  "the row as read (the JSON line; for Parquet input, the row as JSON)"),
              of("message_id", "string", "messageId, when the row had one that could be read"),
              of("event_date", "date", "UTC date of the timestamp, when it could be read")),
          Optional.of("ingest_date"),
          WriteMode.DATES_REPLACED,
          Optional.empty(),
          List.of(),
          """
      Reason codes, checked in this order (a row gets the first that applies):

      | reason | meaning |
      |---|---|
      | `unreadable_file` | a file that cannot be read to its end (a truncated or corrupt `.gz`, a Parquet file that does not open): one row with the file as `source_file` and the error as `raw`; the day's other files are read. A zero-byte file has no line and is skipped |
      | `not_a_file` | a folder inside the day folder: one row naming it; the files under it are not read (the day folder is listed, never walked) |
      | `invalid_utf8` | the line holds bytes that are not UTF-8 (a file saved as Latin-1): its ids would not match the same ids sent as UTF-8 |
      | `invalid_json` | not a JSON object of the event shape (truncated, not an object, nested deeper than 1,000 levels, a field of the wrong shape such as a string for `properties`). Blank lines are not rows: skipped, not counted |
      | `missing_message_id` | no messageId |
      | `unknown_type` | type missing or not one of track, identify, group |
      | `missing_user_id` | track or identify without userId |
      | `missing_group_id` | group without groupId |
      | `missing_event` | track without event name |
      | `bad_timestamp` | timestamp missing or not ISO-8601 (epoch numbers included) |
      | `timestamp_without_offset` | a timestamp without offset or zone (`2026-04-01T10:00:00`) when `ingest.timestamps-without-offset = reject`; by default (`utc`) it is read as UTC |
      | `future_timestamp` | after the end of the run date (UTC) |
      | `too_late` | before run date − `ingest.lookback-days` |
      | `duplicate_message_id` | messageId already accepted: earlier in the same day's input (the earliest timestamp wins; ties by file, then raw text) or on one of the previous `ingest.lookback-days` input days. Counted as *duplicates*, not as rejected, in the run summary |
      """);

  public static final TableSpec INGEST_RUNS =
      new TableSpec(
          TableNames.INGEST_RUNS,
          "Ingest",
          "ingest",
          "One row per ingested day: the run summary.",
          "`read = accepted + duplicates + rejected` is checked by the job before anything is written.",
          List.of(
              of("ingest_date", "date", "the input day"),
              of("read", "long", "rows read"),
              of("accepted", "long", "rows written to `events`"),
              of(
                  "duplicates",
                  "long",
                  "rows dropped as duplicate messageIds (kept in `events_rejected`)"),
              of("rejected", "long", "other rejected rows"),
              of(
                  "rejected_by_reason",
                  "map<string,long>",
                  "rejected rows per reason (duplicates not included)"),
              of(
                  "touched_dates",
                  "array<date>",
                  "event dates of the accepted events (the day, and earlier days that late events landed on)")),
          Optional.empty(),
          WriteMode.ROWS_OF_RUN_REPLACED,
          Optional.of("ingest_date"),
          List.of("ingest_date"),
          "");

  private static final String TRAITS_DETAILS =
      "Rebuilt whole each run from the previous version and the day's calls: within a day the latest call wins "
          + "per key; against the stored row, the day's keys win when the day's latest call is at least as recent "
          + "as `last_identified_at`, otherwise (a late call) only missing keys are added.";

  private static List<ColumnSpec> traitColumns(String id, String idMeaning) {
    return List.of(
        of(id, "string", idMeaning),
        of(ColumnSpec.TRAITS, "typed", "one column per configured trait (see Traits above)"),
        of("traits", "map<string,string>", "every trait as text"),
        of("first_identified_at", "timestamp", "first identify / group call seen"),
        of("last_identified_at", "timestamp", "latest identify / group call seen"));
  }

  public static final TableSpec USER_TRAITS =
      new TableSpec(
          TableNames.USER_TRAITS,
          "Ingest",
          "ingest",
          "Latest trait values, one row per user (from identify calls).",
          TRAITS_DETAILS,
          traitColumns("user_id", "the user"),
          Optional.empty(),
          WriteMode.WHOLE_TABLE,
          Optional.empty(),
          List.of("user_id"),
          "");

  public static final TableSpec ACCOUNT_TRAITS =
      new TableSpec(
          TableNames.ACCOUNT_TRAITS,
          "Ingest",
          "ingest",
          "Latest trait values, one row per account (from group calls).",
          TRAITS_DETAILS,
          traitColumns("account_id", "the account (groupId)"),
          Optional.empty(),
          WriteMode.WHOLE_TABLE,
          Optional.empty(),
          List.of("account_id"),
          "");

  private static final String HISTORY_DETAILS =
      "Ingest of D writes, for every id with calls on D, its row as it stood after D: the row as of "
          + "the previous input day merged with D's calls, by the rules of the latest-value table. The "
          + "state as of any date T is each id's row of the greatest `ingest_date` <= T; features reads "
          + "it so, so a rerun or backfill of T gives T's trait columns whatever came later. A warehouse "
          + "from before this table starts its history with the first ingest that writes it (the "
          + "latest-value table as it then stood is taken as the earlier state).";

  private static List<ColumnSpec> historyColumns(String id, String idMeaning) {
    List<ColumnSpec> columns = new java.util.ArrayList<>();
    columns.add(of("ingest_date", "date", "the input day whose calls gave this row (partition)"));
    columns.addAll(traitColumns(id, idMeaning));
    return List.copyOf(columns);
  }

  public static final TableSpec USER_TRAITS_HISTORY =
      new TableSpec(
          TableNames.USER_TRAITS_HISTORY,
          "Ingest",
          "ingest",
          "Trait history: a user's row after each input day that brought identify calls for them.",
          HISTORY_DETAILS,
          historyColumns("user_id", "the user"),
          Optional.of("ingest_date"),
          WriteMode.DATES_REPLACED,
          Optional.empty(),
          List.of("ingest_date", "user_id"),
          "");

  public static final TableSpec ACCOUNT_TRAITS_HISTORY =
      new TableSpec(
          TableNames.ACCOUNT_TRAITS_HISTORY,
          "Ingest",
          "ingest",
          "Trait history: an account's row after each input day that brought group calls for it.",
          HISTORY_DETAILS,
          historyColumns("account_id", "the account (groupId)"),
          Optional.of("ingest_date"),
          WriteMode.DATES_REPLACED,
          Optional.empty(),
          List.of("ingest_date", "account_id"),
          "");

  public static final TableSpec MEMBERSHIPS =
      new TableSpec(
          TableNames.MEMBERSHIPS,
          "Ingest",
          "ingest",
          "Every user → account assignment: a `group` call with userId and groupId, or an `identify` with a groupId "
              + "(field or trait).",
          "A user belongs, on date D, to the account of their latest assignment made on or before D (by time, then "
              + "messageId).",
          List.of(
              of("user_id", "string", "the user"),
              of("account_id", "string", "the account"),
              of("assigned_at", "timestamp", "time of the call"),
              of("source", "string", "`group` or `identify`"),
              of("message_id", "string", "the call"),
              of("ingest_date", "date", "input day")),
          Optional.empty(),
          WriteMode.ROWS_OF_RUN_REPLACED,
          Optional.of("ingest_date"),
          List.of("message_id"),
          "");

  public static final TableSpec USER_DAILY_ACTIVITY =
      new TableSpec(
          TableNames.USER_DAILY_ACTIVITY,
          "Features",
          "features",
          "The incremental rollup: user × day × event × input day.",
          "A run for D rewrites D and the earlier days that D's late events landed on (`ingest_runs.touched_dates`)."
              + " Late events are rows of their own (their `ingest_date`), so a run of date T reads the rows"
              + " ingested on T or before: a rerun of a past date counts what its night knew. Rows written before"
              + " the column existed have no `ingest_date` and are read by every date.",
          List.of(
              of("activity_date", "date", "UTC day (partition)"),
              of("user_id", "string", "the user"),
              of("account_id", "string", "the user's account on that day (null if none yet)"),
              of("event", "string", "track event name"),
              of("event_count", "long", "events that day"),
              of("first_ts", "timestamp", "first of them"),
              of("last_ts", "timestamp", "last of them"),
              of("ingest_date", "date", "the input day that brought them")),
          Optional.of("activity_date"),
          WriteMode.DATES_REPLACED,
          Optional.empty(),
          List.of("activity_date", "user_id", "event", "ingest_date"),
          "");

  public static final TableSpec USER_EVENT_TOTALS =
      daily(
          TableNames.USER_EVENT_TOTALS,
          "Features",
          "features",
          "All-time totals per user and event, one snapshot per run date.",
          "Snapshot D = the previous snapshot + the events ingested after it, so a nightly run reads one snapshot and "
              + "one day of events. Snapshots older than `features.totals-retention-days` are removed in the same "
              + "commit; a run with no earlier snapshot rebuilds from all events (same result).",
          List.of(DAILY, "user_id", "event"),
          "",
          of(DAILY, "date", "run date (partition)"),
          of("user_id", "string", "the user"),
          of("event", "string", "track event name"),
          of("event_count", "long", "events ever"),
          of("first_ts", "timestamp", "first occurrence"),
          of("last_ts", "timestamp", "last occurrence"));

  public static final TableSpec USER_FEATURES =
      daily(
          TableNames.USER_FEATURES,
          "Features",
          "features",
          "One row per user per `as_of_date`: every user that sent a track event, was identified or was assigned to an "
              + "account by then.",
          "",
          List.of(DAILY, "user_id"),
          "",
          asOf(),
          of("user_id", "string", "the user"),
          of("account_id", "string", "the user's account on `as_of_date`"),
          of("first_seen", "timestamp", "first track event ever (null if none)"),
          of("last_seen", "timestamp", "latest track event"),
          of("tenure_days", "int", "days from `first_seen`'s date to `as_of_date`"),
          of(
              "days_since_last_seen",
              "int",
              "days from `last_seen`'s date to `as_of_date` (0 = seen that day)"),
          of("active_days_<N>d", "long", "days with at least one track event in the window"),
          of("total_events_<N>d", "long", "track events in the window"),
          of(
              "event_counts_<N>d",
              "map<string,long>",
              "events per event name in the window (names with none left out)"),
          of("total_events_all_time", "long", "track events ever"),
          of("event_counts_all_time", "map<string,long>", "events per event name ever"),
          of(ColumnSpec.TRAITS, "typed", "configured user traits"),
          of("traits", "map<string,string>", "every user trait as text"));

  public static final TableSpec ACCOUNT_FEATURES =
      daily(
          TableNames.ACCOUNT_FEATURES,
          "Features",
          "features",
          "One row per account per `as_of_date`: every account with traits or members (`level` `leaf`), and every "
              + "account with child accounts once more, rolled up (`level` `parent`).",
          "Each user's activity counts under the account the user belongs to on `as_of_date`. A `parent` row counts "
              + "the users of the account and of every account under it in `account_hierarchy` as if they all "
              + "belonged to it; its traits are the account's own. Dashboards that want one row per account as "
              + "before hierarchies read `level = 'leaf'` (see [segments.md](segments.md#account-hierarchy)).",
          List.of(DAILY, "account_id", "level"),
          "",
          asOf(),
          of("account_id", "string", "the account"),
          of(
              "level",
              "string",
              "`leaf`: the account on its own; `parent`: the account and everything under it"),
          of("member_users", "long", "users belonging to the account on `as_of_date`"),
          of(
              "total_users",
              "long",
              "members with any track event in the last `features.total-users-window-days` (default 90) days"),
          of("users_ever_seen", "long", "members with any track event ever"),
          of("active_users_<N>d", "long", "members with a track event in the window"),
          of("first_seen", "timestamp", "first track event of any member"),
          of("last_seen", "timestamp", "latest track event of any member"),
          of("tenure_days", "int", "days from `first_seen`'s date to `as_of_date`"),
          of("days_since_last_seen", "int", "days from `last_seen`'s date to `as_of_date`"),
          of("active_days_<N>d", "long", "days on which any member was active, in the window"),
          of("total_events_<N>d", "long", "members' track events in the window"),
          of(
              "event_counts_<N>d",
              "map<string,long>",
              "members' events per event name in the window"),
          of("total_events_all_time", "long", "members' track events ever"),
          of("event_counts_all_time", "map<string,long>", "members' events per event name ever"),
          of(
              ColumnSpec.TRAITS,
              "typed",
              "configured account traits (`parent_group_id` is the parent account)"),
          of("traits", "map<string,string>", "every account trait as text"));

  public static final TableSpec ACCOUNT_HIERARCHY =
      daily(
          TableNames.ACCOUNT_HIERARCHY,
          "Features",
          "features",
          "One row per account per `as_of_date` that has a parent or child accounts: the tree that "
              + "`features.parent-trait` (default `parent_group_id`) makes, as the traits stood on `as_of_date`.",
          "A parent named by no account's traits still has a row (it has children). A cycle (a parent chain that "
              + "comes back to an account, a self-parent included) is broken where its smallest account id names "
              + "its parent: that account becomes a root, `cycle_broken` is true, and the run prints the cycle.",
          List.of(DAILY, "account_id"),
          "",
          asOf(),
          of("account_id", "string", "the account"),
          of(
              "parent_account_id",
              "string",
              "the parent the tree uses (null: a root, or the trait's parent dropped to break a cycle)"),
          of("declared_parent_id", "string", "the parent the account's trait names (null: none)"),
          of("cycle_broken", "boolean", "the declared parent was dropped to break a cycle"),
          of("root_account_id", "string", "the top of the account's tree"),
          of("depth", "int", "steps from the root (0: the root)"),
          of("ancestors", "array<string>", "the parent, its parent, ... up to the root"),
          of("child_accounts", "long", "accounts whose parent is this account"),
          of("descendant_accounts", "long", "accounts anywhere under this account"));

  private static List<ColumnSpec> scoreColumns() {
    return List.of(
        of("raw_score", "double", "Σ count in the period × feature importance × event weight"),
        of("engagement_score", "int", "0–100, normalized against the day's benchmark"),
        of("frequency", "int", "days in the period with a scored event"),
        of("breadth", "double", "% of the workspace's features used in the period"),
        of("active", "boolean", "at least one scored event in the period"),
        of("activation_progress", "double", "% of activation steps done (null: no steps)"),
        of("activation_steps_done", "array<string>", "names of the steps done"),
        of("activated", "boolean", "every step done"),
        of("previous_score", "int", "`engagement_score` one period earlier (null: none)"),
        of("score_change", "int", "`engagement_score − previous_score`"),
        of("trend", "string", "`red_hot`, `ice_cold` or `steady` (null: no previous score)"));
  }

  private static ColumnSpec[] columns(List<ColumnSpec> head, List<ColumnSpec> tail) {
    List<ColumnSpec> all = new ArrayList<>(head);
    all.addAll(tail);
    return all.toArray(ColumnSpec[]::new);
  }

  public static final TableSpec USER_SCORES =
      daily(
          TableNames.USER_SCORES,
          "Scores",
          "score",
          "One row per user per workspace per `as_of_date`: every user of `user_features` on that date who is in the "
              + "workspace's population.",
          "",
          List.of(DAILY, "workspace", "user_id"),
          "",
          columns(
              List.of(
                  asOf(),
                  of("workspace", "string", "the scoring model (`scoring.workspaces.<name>`)"),
                  of("user_id", "string", "the user"),
                  of("account_id", "string", "the user's account on `as_of_date`")),
              scoreColumns()));

  public static final TableSpec ACCOUNT_SCORES =
      daily(
          TableNames.ACCOUNT_SCORES,
          "Scores",
          "score",
          "One row per account per workspace per `as_of_date`: the measures of `user_scores` taken on the account, "
              + "and the account measures below.",
          "",
          List.of(DAILY, "workspace", "account_id", "level"),
          "",
          columns(
              List.of(
                  asOf(),
                  of("workspace", "string", "the scoring model (`scoring.workspaces.<name>`)"),
                  of("account_id", "string", "the account"),
                  of(
                      "level",
                      "string",
                      "`leaf`: the account's own users, normalized against the leaf rows' benchmark; `parent`: "
                          + "its users and those of every account under it, normalized against the parent rows' "
                          + "benchmark")),
              List.of(
                  columns(
                      scoreColumns(),
                      List.of(
                          of(
                              "avg_user_score",
                              "double",
                              "mean `engagement_score` of its active users"),
                          of(
                              "total_users",
                              "long",
                              "users with any event in `features.total-users-window-days`"),
                          of("active_users", "long", "its users active in the period"),
                          of("active_user_pct", "double", "100 × `active_users` / `total_users`"),
                          of("activated_users", "long", "its activated users"),
                          of(
                              "adoption",
                              "double",
                              "% of the scored event types anyone in it did in the period"),
                          of("adoption_all_time", "double", "the same, ever"))))));

  public static final TableSpec SEGMENT_THRESHOLDS =
      daily(
          TableNames.SEGMENT_THRESHOLDS,
          "Scores",
          "score",
          "Per `as_of_date`, `workspace` and `entity` (`user` / `account`): one distribution row per score `metric` "
              + "(`band` null) and one row per suggested band (`band` set).",
          "See [scoring.md](scoring.md#segment_thresholds).",
          List.of(DAILY, "workspace", "entity", "metric", "band"),
          "",
          asOf(),
          of("workspace", "string", "the scoring model"),
          of("entity", "string", "`user` or `account`"),
          of("metric", "string", "the measure described or cut"),
          of("band", "string", "the suggested segment's stem (null on distribution rows)"),
          of("entities", "long", "entities with a value of the metric"),
          of("min", "double", "of the metric"),
          of("max", "double", "of the metric"),
          of("mean", "double", "of the metric"),
          of("p10", "double", "nearest-rank percentile"),
          of("p20", "double", "nearest-rank percentile"),
          of("p25", "double", "nearest-rank percentile"),
          of("p50", "double", "nearest-rank percentile"),
          of("p75", "double", "nearest-rank percentile"),
          of("p80", "double", "nearest-rank percentile"),
          of("p90", "double", "nearest-rank percentile"),
          of("benchmark", "double", "p90 of the positive raw scores of the day"),
          of("lower_bound", "double", "the band's lower bound, included (null: unbounded)"),
          of("upper_bound", "double", "the band's upper bound, included (null: unbounded)"));

  /** The name pattern of the per-segment tables, as the docs write it. */
  public static final String SEGMENT_PATTERN = "segment_<id>";

  private static final String SEGMENT_SUMMARY =
      "One table per segment (`segment_most_engaged_accounts`, `segment_stalled_onboarding`, ...), one row per "
          + "member per `as_of_date`.";

  private static final String SEGMENT_DETAILS =
      "A segment removed from the definitions keeps its table with the dates it was evaluated.";

  /** The docs' entry for every per-segment table. */
  public static final TableSpec SEGMENT =
      daily(
          SEGMENT_PATTERN,
          "Segments",
          "segments",
          SEGMENT_SUMMARY,
          SEGMENT_DETAILS,
          List.of(DAILY, "user_id or account_id"),
          "",
          asOf(),
          of("user_id or account_id", "string", "a member (after the segment's entity)"));

  /**
   * The table of one segment, whose members are users ({@code user_id}) or accounts ({@code
   * account_id}).
   */
  public static TableSpec segment(String id, String idColumn) {
    return daily(
        TableNames.segment(id),
        "Segments",
        "segments",
        SEGMENT_SUMMARY,
        SEGMENT_DETAILS,
        List.of(DAILY, idColumn),
        "",
        asOf(),
        of(idColumn, "string", "a member (after the segment's entity)"));
  }

  public static final TableSpec SEGMENT_MEMBERS =
      daily(
          TableNames.SEGMENT_MEMBERS,
          "Segments",
          "segments",
          "Every membership of every segment in one long table, per `as_of_date`.",
          "",
          List.of(DAILY, "segment_id", "entity_id"),
          "",
          asOf(),
          of("segment_id", "string", "the segment"),
          of("entity", "string", "`user` or `account`"),
          of("entity_id", "string", "the user or account id"));

  public static final TableSpec SEGMENT_CHANGES =
      daily(
          TableNames.SEGMENT_CHANGES,
          "Segments",
          "segments",
          "Who entered or left each segment on `as_of_date`, against the previous date the segments stage ran.",
          "",
          List.of(DAILY, "segment_id", "entity_id"),
          "",
          asOf(),
          of("segment_id", "string", "the segment"),
          of("entity", "string", "`user` or `account`"),
          of("entity_id", "string", "the user or account id"),
          of("change", "string", "`entered` or `exited`"));

  public static final TableSpec SEGMENT_MEMBERSHIP_PERIODS =
      new TableSpec(
          TableNames.SEGMENT_MEMBERSHIP_PERIODS,
          "Segments",
          "segments",
          "Membership history as intervals: one row per stay of an entity in a segment.",
          "Kept from each run's `segment_changes`, so \"who was in X on T\" (`entered_on <= T AND"
              + " (exited_on IS NULL OR exited_on > T)`) and \"how long do accounts stay in X\""
              + " need no scan of the daily tables. `exited_on` is the first run date the entity"
              + " was no longer a member; the table holds what the changes up to the latest run"
              + " date say (a rerun of an earlier date replays the later dates' changes). A segment"
              + " no longer defined keeps its rows as its last run left them.",
          List.of(
              of("segment_id", "string", "the segment"),
              of("entity", "string", "`user` or `account`"),
              of("entity_id", "string", "the user or account id"),
              of("entered_on", "date", "the run date the entity entered"),
              of(
                  "exited_on",
                  "date",
                  "the run date it had left (partition; null while it is a member)")),
          Optional.of("exited_on"),
          WriteMode.OPEN_AND_LATER_REPLACED,
          Optional.empty(),
          List.of("segment_id", "entity", "entity_id", "entered_on"),
          "");

  public static final TableSpec SEGMENT_SIZES =
      daily(
          TableNames.SEGMENT_SIZES,
          "Segments",
          "segments",
          "One row per segment per `as_of_date`, empty segments included.",
          "",
          List.of(DAILY, "segment_id"),
          "",
          asOf(),
          of("segment_id", "string", "the segment"),
          of("entity", "string", "`user` or `account`"),
          of("members", "long", "members on the date"),
          of("entered", "long", "members that were not members on the previous run date"),
          of("exited", "long", "members of the previous run date that are not members now"));

  public static final TableSpec SEGMENT_DEFINITIONS =
      new TableSpec(
          TableNames.SEGMENT_DEFINITIONS,
          "Segments",
          "segments",
          "Every segment ever defined.",
          "",
          List.of(
              of("segment_id", "string", "the id; the table is `segment_<id>`"),
              of("name", "string", "display name"),
              of("description", "string", "what it is for"),
              of("entity", "string", "`user` or `account`"),
              of("kind", "string", "`standard`, `suggested` or `custom`"),
              of("workspace", "string", "whose scores it reads"),
              of("definition", "string", "the definition as JSON"),
              of("hash", "string", "SHA-256 of `definition`"),
              of("source", "string", "the file it came from, or `generated`"),
              of("first_defined", "date", "the first run date it was evaluated"),
              of("last_changed", "date", "the run date its definition last changed"),
              of("active", "boolean", "false once it is no longer defined")),
          Optional.empty(),
          WriteMode.WHOLE_TABLE,
          Optional.empty(),
          List.of("segment_id"),
          "");

  public static final TableSpec SEGMENT_METRICS =
      daily(
          TableNames.SEGMENT_METRICS,
          "Segments",
          "segments",
          "One row per `as_of_date`, segment and scoring workspace, empty segments included: how the"
              + " segment's members score under that workspace's model. The table a dashboard filters by"
              + " segment.",
          "Computed by the segments stage from the day's memberships and scores in one join and one"
              + " aggregation. The score measures are over the members the workspace scores"
              + " (`scored`); members outside its population count in `members` only. Examples:"
              + " [dashboards.md](dashboards.md).",
          List.of(DAILY, "segment_id", "workspace"),
          "",
          asOf(),
          of("segment_id", "string", "the segment"),
          of("entity", "string", "`user` or `account`"),
          of("workspace", "string", "the scoring model whose scores are measured"),
          of("members", "long", "members on the date (as in `segment_sizes`)"),
          of("entered", "long", "members that were not members on the previous run date"),
          of("exited", "long", "members of the previous run date that are not members now"),
          of("scored", "long", "members with a score row in the workspace"),
          of("engagement_score_mean", "double", "mean `engagement_score` of the scored members"),
          of(
              "engagement_score_p50",
              "double",
              "median `engagement_score` (exact; linear between the two middle values)"),
          of(
              "engagement_score_p90",
              "double",
              "90th percentile of `engagement_score` (exact; linear interpolation)"),
          of("share_active", "double", "share (0–1) of the scored members that are `active`"),
          of(
              "activation_progress_mean",
              "double",
              "mean `activation_progress` (null: the workspace has no activation steps)"),
          of("share_activated", "double", "share (0–1) of the scored members that are `activated`"),
          of("score_change_mean", "double", "mean `score_change` (members with a previous score)"),
          of("red_hot", "long", "scored members whose `trend` is `red_hot`"),
          of("ice_cold", "long", "scored members whose `trend` is `ice_cold`"),
          of(
              "total_users",
              "long",
              "account segments: Σ `total_users` of the members (null for user segments)"),
          of(
              "active_users",
              "long",
              "account segments: Σ `active_users` of the members (null for user segments)"));

  public static final TableSpec EXPORT_STATE =
      new TableSpec(
          TableNames.EXPORT_STATE,
          "Exports",
          "export",
          "What each export destination last acknowledged, one row per destination and record: the diff"
              + " base of the next sync.",
          "A run sends the records whose values or segments differ from their acknowledged row, the"
              + " members that left, and the rows that failed before. A row moves only when the destination"
              + " acknowledged it; a failed send keeps the acknowledged values and records the error.",
          List.of(
              of("destination", "string", "`exports.destinations.<name>`"),
              of("entity", "string", "`user` or `account`"),
              of(
                  "entity_id",
                  "string",
                  "the user or account id (for a list or tag: the segment id, with entity"
                      + " `user_segment` or `account_segment`)"),
              of(
                  "key",
                  "string",
                  "the value that identifies it in the destination (`user-id-column`, `account-id-column`)"),
              of(
                  "hash",
                  "string",
                  "SHA-256 of the acknowledged segments and field values (null: nothing acknowledged yet)"),
              of("segments", "array<string>", "the segments the destination holds the record in"),
              of(
                  "remote_id",
                  "string",
                  "the destination's own id of the record (HubSpot record id, Intercom contact id)"),
              of("status", "string", "`ok`, or `failed` (retried by the next run)"),
              of("attempts", "int", "failed sends since the last acknowledged one"),
              of("last_error", "string", "why the last send failed (null when ok)"),
              of("last_run_id", "string", "the export run that last sent it"),
              of("acknowledged_at", "timestamp", "when the destination last acknowledged it"),
              of("as_of_date", "date", "the date whose segments were last sent")),
          Optional.empty(),
          WriteMode.KEYED_MERGE,
          Optional.empty(),
          List.of("destination", "entity", "entity_id"),
          "");

  public static final TableSpec EXPORT_RUNS =
      new TableSpec(
          TableNames.EXPORT_RUNS,
          "Exports",
          "export",
          "One row per destination per export run: what was sent and what came back.",
          "",
          List.of(
              of("run_id", "string", "the export run (shared by its destinations)"),
              of("as_of_date", "date", "the date whose segments were sent"),
              of("destination", "string", "`exports.destinations.<name>`"),
              of("type", "string", "`hubspot`, `intercom`, `segment` or `files`"),
              of("started_at", "timestamp", "when this destination's sync started"),
              of("duration_ms", "long", "how long it took"),
              of("sent", "long", "records sent (adds, changes, removes and earlier failures)"),
              of("acknowledged", "long", "records the destination acknowledged"),
              of(
                  "rejected",
                  "long",
                  "records the destination refused (kept as failed in `export_state`)"),
              of("retried", "long", "requests sent again (429s, 5xx, timeouts, split batches)"),
              of("requests", "long", "HTTP requests (files: files written)"),
              of(
                  "status",
                  "string",
                  "`ok`, `partial` (some records rejected), `failed` or `dry_run`"),
              of("error", "string", "why it failed (null when ok)")),
          Optional.empty(),
          WriteMode.APPEND,
          Optional.empty(),
          List.of("run_id", "destination"),
          "");

  public static final TableSpec PIPELINE_RUNS =
      new TableSpec(
          TableNames.PIPELINE_RUNS,
          "Run health",
          "every stage",
          "One row per stage per date per run of a command, written also when the stage fails: what"
              + " `segments status` and the report's stage durations read.",
          "The rows of a date are appended when its stages are done or one has failed (a run over a"
              + " range of dates writes after each date); a driver killed mid-date leaves no row for that"
              + " date, which `segments status` then shows as a date with no run.",
          List.of(
              of("run_id", "string", "one command's run (shared by its stages and dates)"),
              of("as_of_date", "date", "the date the stage ran for"),
              of("stage", "string", "`ingest`, `features`, `score`, `segments` or `export`"),
              of("status", "string", "`succeeded` or `failed`"),
              of("started_at", "timestamp", "when the stage started"),
              of("ended_at", "timestamp", "when it ended"),
              of("duration_ms", "long", "how long it took"),
              of(
                  "rows_read",
                  "map<string,long>",
                  "rows read per input (counted by ingest; empty for the other stages)"),
              of("rows_written", "map<string,long>", "rows written per table"),
              of("error", "string", "why it failed (null when it succeeded)"),
              of("host", "string", "the driver's host name")),
          Optional.empty(),
          WriteMode.APPEND,
          Optional.empty(),
          List.of("run_id", "as_of_date", "stage"),
          "");

  /** Every table with a fixed name, in the order the pipeline first writes them. */
  public static final List<TableSpec> ALL =
      List.of(
          EVENTS,
          EVENTS_REJECTED,
          INGEST_RUNS,
          USER_TRAITS,
          ACCOUNT_TRAITS,
          USER_TRAITS_HISTORY,
          ACCOUNT_TRAITS_HISTORY,
          MEMBERSHIPS,
          USER_DAILY_ACTIVITY,
          USER_EVENT_TOTALS,
          USER_FEATURES,
          ACCOUNT_FEATURES,
          ACCOUNT_HIERARCHY,
          USER_SCORES,
          ACCOUNT_SCORES,
          SEGMENT_THRESHOLDS,
          SEGMENT_DEFINITIONS,
          SEGMENT_MEMBERS,
          SEGMENT_CHANGES,
          SEGMENT_MEMBERSHIP_PERIODS,
          SEGMENT_SIZES,
          SEGMENT_METRICS,
          EXPORT_STATE,
          EXPORT_RUNS,
          PIPELINE_RUNS);

  private static final Map<String, TableSpec> BY_NAME = new LinkedHashMap<>();

  static {
    ALL.forEach(t -> BY_NAME.put(t.name(), t));
  }

  /** The spec of a table with a fixed name. */
  public static Optional<TableSpec> find(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** The spec of a table with a fixed name; fails naming the table when there is none. */
  public static TableSpec get(String name) {
    return find(name)
        .orElseThrow(() -> new IllegalArgumentException("No table " + name + " in the catalog"));
  }

  /** Plain text of a Markdown fragment (the Delta comments BI tools show). */
  static String plain(String text) {
    return text.replace("`", "")
        .replace("**", "")
        .replace("*", "")
        .replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
  }

  private static final String INTRO =
      """
      # Tables

      <!-- Generated from the table catalog (common/.../tables/TableCatalog.java) by
           `segments tables --markdown > docs/tables.md`; a test fails when this page differs. -->

      Every table is a Delta table under `warehouse.path` (default `warehouse/`; the local scripts
      use `work/.../warehouse`), named as below, and registered as `<catalog.database>.<name>` when
      `catalog.database` is set. Dates are UTC days; timestamps are UTC. Column names are stable:
      dashboards and syncs may rely on them. Every table is written with one atomic Delta commit per
      run, and a frame that lacks a column of its table, has a column the catalog does not know or a
      column of another type stops the run before that commit, naming table and column.

      Windows: the feature tables have one column per configured window `N` in
      `features.windows` (default 1, 7, 14, 30, 90): written below as `<N>`, e.g. `active_days_<N>d`
      is `active_days_1d`, `active_days_7d`, ... A window of N days on date D covers D-N+1 .. D, both
      included (N = 1 is the date itself).

      Traits: each trait configured under `traits.user` / `traits.account` becomes a typed column named
      after the trait in snake_case (defaults: user `created_at`, `email`, `name`, `role`; account
      `created_at`, `industry`, `name`, `parent_group_id`, `plan`). Every trait, typed or not, is also
      in the `traits` map as text.
      """;

  private static final Map<String, String> GROUP_INTROS =
      Map.of(
          "Scores",
              "How every measure is computed, with a worked example: [scoring.md](scoring.md).",
          "Segments", "The language and the semantics: [segments.md](segments.md).",
          "Exports", "Destinations, diffs, retries and resyncs: [exports.md](exports.md).",
          "Run health",
              "`segments status`, `segments report` and example queries: [dashboards.md](dashboards.md).");

  /** docs/tables.md: every table of the catalog, by group, in pipeline order. */
  public static String markdown() {
    StringBuilder md = new StringBuilder(INTRO);
    String group = null;
    List<TableSpec> tables = new ArrayList<>(ALL);
    // The per-segment tables' entry comes first in its group, as users look for it first.
    tables.add(tables.indexOf(SEGMENT_DEFINITIONS), SEGMENT);
    for (TableSpec t : tables) {
      if (!t.group().equals(group)) {
        group = t.group();
        md.append("\n## ").append(group).append("\n");
        if (GROUP_INTROS.containsKey(group)) {
          md.append("\n").append(GROUP_INTROS.get(group)).append("\n");
        }
      }
      md.append("\n### `").append(t.name()).append("`\n");
      md.append(wrap(t.summary() + (t.details().isEmpty() ? "" : " " + t.details())))
          .append("\n\n");
      md.append(wrap(facts(t))).append("\n\n");
      md.append("| column | type | meaning |\n|---|---|---|\n");
      for (ColumnSpec c : t.columns()) {
        String name = c.isTraits() ? c.name() : "`" + c.name().replace(" or ", "` or `") + "`";
        md.append("| ")
            .append(name)
            .append(" | ")
            .append(c.type())
            .append(" | ")
            .append(c.meaning())
            .append(" |\n");
      }
      if (!t.notes().isEmpty()) {
        md.append("\n").append(t.notes().strip()).append("\n");
      }
    }
    return md.toString();
  }

  /** Written by, partitioning, how a run writes it, key: from the spec. */
  private static String facts(TableSpec t) {
    StringBuilder s = new StringBuilder("*Written by `").append(t.stage()).append("`");
    s.append(
        t.partitionColumn().map(p -> "; partitioned by `" + p + "`").orElse("; not partitioned"));
    s.append("; ")
        .append(t.writeMode().describe(t.runDateColumn().or(t::partitionColumn).orElse("")));
    if (!t.key().isEmpty()) {
      s.append("; one row per ")
          .append(
              String.join(
                  " × ",
                  t.key().stream().map(k -> "`" + k.replace(" or ", "` or `") + "`").toList()));
    }
    return s.append(".*").toString();
  }

  /** Wraps prose at about 100 characters (the width of the project's Markdown). */
  static String wrap(String text) {
    StringBuilder out = new StringBuilder();
    int line = 0;
    for (String word : text.split(" ")) {
      if (line > 0 && line + 1 + word.length() > 100) {
        out.append("\n");
        line = 0;
      } else if (line > 0) {
        out.append(' ');
        line++;
      }
      out.append(word);
      line += word.length();
    }
    return out.toString();
  }
}
