package dev.segments.common.tables;

/** How the pipeline writes a table: every mode is one atomic Delta commit per table per run. */
public enum WriteMode {
  /**
   * One snapshot per date of the partition column: a run replaces exactly the dates it writes (the
   * run date, or the days late events touched), appending when none of them is there yet.
   */
  DATES_REPLACED(
      "each run replaces the dates it writes (a plain append when none of them is there yet)"),
  /**
   * The rows that the run's input day brought: a run of D replaces the rows whose key date is D.
   */
  ROWS_OF_RUN_REPLACED("a run of day D replaces the rows whose %s is D"),
  /** Rebuilt whole each run from its previous version and the day's input (small state tables). */
  WHOLE_TABLE("rebuilt whole by each run from its previous version"),
  /** State by key: a run updates or inserts the rows of the keys it touched (a Delta merge). */
  KEYED_MERGE(
      "a run updates or inserts the rows of the keys it touched (a Delta merge on the key)"),
  /**
   * Intervals keyed by the date they ended on (the partition column, null while open): a run of day
   * D replaces the open intervals and those that ended on D or later, rebuilt from the day's
   * changes (and later days' on a rerun of an earlier date).
   */
  OPEN_AND_LATER_REPLACED(
      "a run of day D replaces the open rows (%1$s null) and those whose %1$s is D or later"),
  /** A log: every run appends its rows, nothing is replaced (a retry is a run of its own). */
  APPEND("every run appends its rows (a retry is a run of its own)");

  private final String doc;

  WriteMode(String doc) {
    this.doc = doc;
  }

  /** How the docs say it, for a table whose run-date column is {@code runDateColumn}. */
  public String describe(String runDateColumn) {
    return String.format(doc, "`" + runDateColumn + "`");
  }
}
