package dev.segments.common.config;

/**
 * @param lookbackDays late events accepted this many days back; duplicates looked up this far
 * @param duplicateRankLimit above this many losing duplicate rows in a day, ingest ranks every row
 *     instead of joining the few losers' row ids back
 * @param rejectTimestampsWithoutOffset whether a timestamp without a UTC offset or zone (such as
 *     {@code 2026-04-01T10:00:00}) is rejected as {@code timestamp_without_offset} (true) or taken
 *     as UTC (false, the default)
 */
public record IngestSettings(
    int lookbackDays, int duplicateRankLimit, boolean rejectTimestampsWithoutOffset) {}
