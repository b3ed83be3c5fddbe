package dev.segments.common.config;

import dev.segments.common.tables.RetentionClass;
import java.util.Map;

/**
 * Table upkeep by {@code segments maintain}.
 *
 * @param vacuumRetentionHours unreferenced data files older than this are deleted ({@code
 *     maintain.vacuum-retention-hours})
 * @param keepDays days of dates kept per retention class, counted back from each table's newest
 *     date; 0 keeps every date ({@code maintain.keep-days.<class>})
 */
public record MaintainSettings(int vacuumRetentionHours, Map<RetentionClass, Integer> keepDays) {
  public MaintainSettings {
    keepDays = Map.copyOf(keepDays);
  }

  /** The days kept of a class's tables (0: without limit; a class not configured is kept whole). */
  public int keepDays(RetentionClass c) {
    return keepDays.getOrDefault(c, 0);
  }
}
