package dev.segments.common.config;

/** @param lookbackDays how many days before the run date late events and duplicates are looked for */
public record IngestSettings(int lookbackDays) {}
