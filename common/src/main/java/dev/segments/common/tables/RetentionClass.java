package dev.segments.common.tables;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which dates {@code segments maintain} may remove from a table: each class keeps the number of
 * days of {@code maintain.keep-days.<class>}. The tables every rebuild reads (events, traits and
 * their histories, memberships, the daily rollup, the definitions, the export state) belong to no
 * class and are never cut; {@code user_event_totals} keeps {@code features.totals-retention-days}
 * itself.
 */
public enum RetentionClass {
  /** Daily feature and score snapshots, rebuilt from events by rerunning features and score. */
  SNAPSHOTS(
      List.of(
          TableNames.USER_FEATURES,
          TableNames.ACCOUNT_FEATURES,
          TableNames.ACCOUNT_HIERARCHY,
          TableNames.USER_SCORES,
          TableNames.ACCOUNT_SCORES,
          TableNames.SEGMENT_THRESHOLDS)),
  /** Membership history: the per-segment tables and what is derived from them. */
  MEMBERSHIP(
      List.of(
          TableNames.SEGMENT_MEMBERS,
          TableNames.SEGMENT_CHANGES,
          TableNames.SEGMENT_SIZES,
          TableNames.SEGMENT_METRICS)),
  /** The quarantine of input rows that were not accepted. */
  REJECTED(List.of(TableNames.EVENTS_REJECTED)),
  /** Run logs. */
  LOGS(List.of(TableNames.INGEST_RUNS, TableNames.PIPELINE_RUNS, TableNames.EXPORT_RUNS));

  /** The fixed-name tables of the class (MEMBERSHIP also has every {@code segment_<id>}). */
  private final List<String> tables;

  RetentionClass(List<String> tables) {
    this.tables = tables;
  }

  /** The name in {@code maintain.keep-days}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The class of a table under the warehouse root, if it has one. */
  public static Optional<RetentionClass> of(String table) {
    for (RetentionClass c : values()) {
      if (c.tables.contains(table)) {
        return Optional.of(c);
      }
    }
    if (table.startsWith("segment_") && TableCatalog.find(table).isEmpty()) {
      return Optional.of(MEMBERSHIP);
    }
    return Optional.empty();
  }

  /** The class with this config name, if any. */
  public static Optional<RetentionClass> fromConfigName(String name) {
    for (RetentionClass c : values()) {
      if (c.configName().equals(name)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
