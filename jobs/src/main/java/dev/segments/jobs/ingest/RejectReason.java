package dev.segments.jobs.ingest;

/**
 * Why an input row was not accepted. Checked in this order; a row gets the first that applies. The
 * codes are stable: dashboards group {@code events_rejected} by them.
 */
public enum RejectReason {
  INVALID_JSON("invalid_json", "the line is not a JSON object of the event shape"),
  MISSING_MESSAGE_ID("missing_message_id", "no messageId"),
  UNKNOWN_TYPE("unknown_type", "type missing or not one of track, identify, group"),
  MISSING_USER_ID("missing_user_id", "a track or identify call without userId"),
  MISSING_GROUP_ID("missing_group_id", "a group call without groupId"),
  MISSING_EVENT("missing_event", "a track call without an event name"),
  BAD_TIMESTAMP("bad_timestamp", "timestamp missing or not an ISO-8601 date-time"),
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
