package dev.segments.jobs.ingest;

/**
 * Why an input row was not accepted. Checked in this order; a row gets the first that applies. The
 * codes are stable: dashboards group {@code events_rejected} by them.
 */
public enum RejectReason {
  UNREADABLE_FILE(
      "unreadable_file",
      "a file that cannot be read to its end (truncated or corrupt compression, a Parquet file that"
          + " does not open or whose columns conflict with the others): one row naming the file,"
          + " with the error as raw; none of its lines is read"),
  NOT_A_FILE(
      "not_a_file",
      "a folder inside the day folder: one row naming it; the files under it are not read"),
  INVALID_UTF8(
      "invalid_utf8",
      "the line holds bytes that are not UTF-8 (a file saved as Latin-1 or Windows-1252): its text"
          + " would not match the same ids sent as UTF-8"),
  INVALID_JSON("invalid_json", "the line is not a JSON object of the event shape"),
  MISSING_MESSAGE_ID("missing_message_id", "no messageId"),
  UNKNOWN_TYPE("unknown_type", "type missing or not one of track, identify, group"),
  MISSING_USER_ID("missing_user_id", "a track or identify call without userId"),
  MISSING_GROUP_ID("missing_group_id", "a group call without groupId"),
  MISSING_EVENT("missing_event", "a track call without an event name"),
  BAD_TIMESTAMP("bad_timestamp", "timestamp missing or not an ISO-8601 date-time"),
  TIMESTAMP_WITHOUT_OFFSET(
      "timestamp_without_offset",
      "a timestamp without a UTC offset or zone, with ingest.timestamps-without-offset = reject"),
  FUTURE_TIMESTAMP("future_timestamp", "timestamp after the end of the run date (UTC)"),
  TOO_LATE("too_late", "timestamp more than ingest.lookback-days before the run date"),
  DUPLICATE_MESSAGE_ID(
      "duplicate_message_id",
      "messageId seen before in this day's input or in the previous ingest.lookback-days days"
          + " (counted as a duplicate, not as rejected)");

  private final String code;
  private final String description;

  RejectReason(String code, String description) {
    this.code = code;
    this.description = description;
  }

  public String code() {
    return code;
  }

  public String description() {
    return description;
  }
}
