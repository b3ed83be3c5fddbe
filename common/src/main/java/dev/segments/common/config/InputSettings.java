package dev.segments.common.config;

/**
 * Where raw events are read from.
 *
 * @param path root folder holding one {@code dt=YYYY-MM-DD} folder per day
 * @param format json or parquet
 * @param allowMissingDay whether a day without a folder is ingested as empty instead of failing
 */
public record InputSettings(String path, InputFormat format, boolean allowMissingDay) {

  /** The supported raw input formats. */
  public enum InputFormat {
    JSON,
    PARQUET
  }
}
