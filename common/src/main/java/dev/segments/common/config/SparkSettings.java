package dev.segments.common.config;

import java.util.Map;

/**
 * @param master the master used when none was set by spark-submit or spark.master
 * @param conf extra Spark settings applied to the session
 */
public record SparkSettings(String master, Map<String, String> conf) {
  public SparkSettings {
    conf = Map.copyOf(conf);
  }
}
