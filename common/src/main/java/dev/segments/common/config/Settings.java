package dev.segments.common.config;

import java.util.List;
import java.util.Optional;

/**
 * Every setting of a run, read and validated once at start-up (see {@link SettingsLoader}).
 *
 * @param warehousePath root of the Delta tables
 * @param catalogDatabase the Spark catalog database the tables are registered in, if any
 * @param warehouseWriteThreads how many independent table writes run side by side
 * @param warehouseLockWaitSeconds how long a run waits for another run of the same warehouse
 * @param compareThreads how many tables {@code compare} compares side by side
 * @param segmentsDir the folder of custom segment definitions
 * @param maintain table upkeep by {@code segments maintain}
 */
public record Settings(
    String warehousePath,
    Optional<String> catalogDatabase,
    int warehouseWriteThreads,
    int warehouseLockWaitSeconds,
    int compareThreads,
    InputSettings input,
    IngestSettings ingest,
    List<TraitColumn> userTraits,
    List<TraitColumn> accountTraits,
    FeatureSettings features,
    ScoringSettings scoring,
    String segmentsDir,
    SparkSettings spark,
    ExportSettings exports,
    MaintainSettings maintain) {

  public Settings {
    userTraits = List.copyOf(userTraits);
    accountTraits = List.copyOf(accountTraits);
  }
}
