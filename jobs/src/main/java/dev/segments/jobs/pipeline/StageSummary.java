package dev.segments.jobs.pipeline;

import java.util.Map;

/**
 * What one stage's job reports of a run: console lines, and the rows it read where it counts them.
 */
public interface StageSummary {
  /** A few lines for the console and the log. */
  String render();

  /** Rows read, per table or input ({@code input} for the raw files), where the job counts them. */
  default Map<String, Long> rowsRead() {
    return Map.of();
  }
}
