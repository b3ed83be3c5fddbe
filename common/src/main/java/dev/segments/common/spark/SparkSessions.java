package dev.segments.common.spark;

import dev.segments.common.config.SparkSettings;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the one Spark session of a run: Delta-enabled, UTC, with the configured settings. */
public final class SparkSessions {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(SparkSessions.class);

  /** Settings every session of ours needs, whatever the deployment says. */
  public static final Map<String, String> REQUIRED =
      Map.of(
          "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension",
          "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog",
          // Dates of events and windows are UTC days; never the driver's local zone.
          "spark.sql.session.timeZone", "UTC");

  private SparkSessions() {}

  /** The session this JVM already has (active on this thread, or the default one), if any. */
  public static java.util.Optional<SparkSession> existing() {
    scala.Option<SparkSession> session = SparkSession.getActiveSession();
    if (session.isEmpty()) {
      session = SparkSession.getDefaultSession();
    }
    return session.isDefined() ? java.util.Optional.of(session.get()) : java.util.Optional.empty();
  }

  /**
   * Gets or creates the session. The master comes from spark-submit / {@code spark.master} when
   * set, else from {@code spark.master} in the config ({@code local[*]} by default).
   */
  public static SparkSession create(String appName, SparkSettings settings) {
    java.util.Optional<SparkSession> existing = existing();
    if (existing.isPresent()) {
      // Embedded in a program (or a test) that owns the session and its settings.
      LOG.info("Using the existing Spark session; spark.conf settings are not applied to it");
      return existing.get();
    }
    SparkConf conf = new SparkConf(true);
    if (!conf.contains("spark.master")) {
      conf.setMaster(settings.master());
    }
    if (!conf.contains("spark.app.name")) {
      conf.setAppName(appName);
    }
    settings.conf().forEach(conf::set);
    REQUIRED.forEach(conf::set);
    return SparkSession.builder().config(conf).getOrCreate();
  }
}
