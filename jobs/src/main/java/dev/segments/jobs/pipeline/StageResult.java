package dev.segments.jobs.pipeline;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;

/**
 * One stage's run for one date: status, start and duration, rows read (where the job counts them)
 * and rows written per table (from the writes themselves), the job's summary, or the error it
 * failed with.
 */
public record StageResult(
    String stage,
    LocalDate date,
    Status status,
    java.time.Instant startedAt,
    Duration duration,
    Map<String, Long> rowsRead,
    Map<String, Long> rowsWritten,
    Optional<StageSummary> summary,
    Optional<String> error) {

  public enum Status {
    SUCCEEDED,
    FAILED
  }

  public StageResult {
    rowsRead = Map.copyOf(rowsRead);
    rowsWritten = Map.copyOf(rowsWritten);
  }
}
