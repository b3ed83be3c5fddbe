package dev.segments.jobs.ingest;

import dev.segments.jobs.pipeline.StageSummary;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one ingest run did. {@code read = accepted + duplicates + rejected} always holds (the job
 * checks it before writing anything).
 *
 * @param touchedDates the event dates of accepted events (the run date and late days)
 */
public record IngestSummary(
    LocalDate ingestDate,
    long read,
    long accepted,
    long duplicates,
    long rejected,
    Map<String, Long> rejectedByReason,
    List<LocalDate> touchedDates)
    implements StageSummary {

  public IngestSummary {
    rejectedByReason = Map.copyOf(rejectedByReason);
    touchedDates = List.copyOf(touchedDates);
  }

  public boolean balanced() {
    return read == accepted + duplicates + rejected;
  }

  @Override
  public Map<String, Long> rowsRead() {
    return Map.of("input", read);
  }

  /** A few lines for the console. */
  @Override
  public String render() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "ingest %s: read %,d, accepted %,d, duplicates %,d, rejected %,d%n",
            ingestDate, read, accepted, duplicates, rejected));
    new TreeMap<>(rejectedByReason)
        .forEach((reason, n) -> out.append(String.format("  rejected %-20s %,d%n", reason, n)));
    out.append("  event dates touched: ").append(touchedDates).append('\n');
    return out.toString();
  }
}
