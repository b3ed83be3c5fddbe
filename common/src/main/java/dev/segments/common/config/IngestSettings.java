package dev.segments.common.config;

/**
 * @param lookbackDays how many days before the run date late events and duplicates are looked for
 */
/**
 * @param lookbackDays late events accepted this many days back; duplicates looked up this far
 * @param duplicateRankLimit above this many duplicate message ids (or losing rows) in a day, ingest
 *     ranks every row instead of broadcasting the duplicates' ids
 */
public record IngestSettings(int lookbackDays, int duplicateRankLimit) {}
