package dev.segments.jobs.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.trim;

import dev.segments.common.UserError;
import dev.segments.common.config.FeatureSettings;
import dev.segments.common.tables.TableCatalog;
import dev.segments.common.tables.TableNames;
import dev.segments.jobs.pipeline.StageContext;
import dev.segments.jobs.pipeline.StageSummary;
import dev.segments.jobs.pipeline.WithStageContext;
import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Features for one day D.
 *
 * <p>Reads: {@code ingest_runs} (which event dates D's ingest touched), {@code events} of those
 * dates and of D's ingest, {@code memberships}, the traits tables, the previous {@code
 * user_event_totals} snapshot and the longest window of {@code user_daily_activity}. Writes, one
 * commit each: {@code user_daily_activity} (the touched dates replaced), {@code user_event_totals}
 * (snapshot D = previous snapshot + events ingested since), {@code user_features} and {@code
 * account_features} (snapshot D).
 *
 * <p>Scales with the day's events, the longest window of the daily rollup and the number of users,
 * never with the length of history (the only full scan is the first run, or a rerun older than
 * {@code features.totals-retention-days}, which rebuilds totals from events). Rerun of D replaces
 * D's rows.
 */
public final class FeaturesJob extends WithStageContext {
  private static final Logger LOG = LoggerFactory.getLogger(FeaturesJob.class);

  public FeaturesJob(StageContext context) {
    super(context);
  }

  /** Counts of what was written, for the console. */
  public record FeaturesSummary(
      LocalDate asOf,
      List<LocalDate> recomputedDays,
      long users,
      long accounts,
      long parents,
      List<String> hierarchyProblems)
      implements StageSummary {
    @Override
    public String render() {
      StringBuilder sb =
          new StringBuilder(
              String.format(
                  "features %s: %,d users, %,d accounts%s; daily rollup recomputed for %s%n",
                  asOf,
                  users,
                  accounts,
                  parents > 0 ? String.format(" (+%,d parent rows)", parents) : "",
                  recomputedDays));
      for (String p : hierarchyProblems) {
        sb.append(String.format("features %s: %s%n", asOf, p));
      }
      return sb.toString();
    }
  }

  public FeaturesSummary run(LocalDate date) {
    FeatureSettings features = settings.features();
    Date day = Date.valueOf(date);
    TreeSet<LocalDate> touched = touchedDates(date);
    Dataset<Row> memberships = warehouse.read(TableNames.MEMBERSHIPS);
    Dataset<Row> events = warehouse.read(TableNames.EVENTS).where(col("type").equalTo("track"));

    // 1. Daily rollup of the days D's ingest touched, and all-time totals (previous snapshot +
    //    events ingested since, or everything the first time): independent, written side by side.
    List<Date> touchedSql = touched.stream().map(Date::valueOf).toList();
    Dataset<Row> touchedEvents = events.where(col("event_date").isin(touchedSql.toArray()));
    Dataset<Row> rollup = DailyRollup.userDailyActivity(touchedEvents, memberships);
    Dataset<Row> totals = totalsOf(date, events);
    LocalDate oldestKept = date.minusDays(features.totalsRetentionDays());
    warehouse.writeConcurrently(
        List.of(
            () -> warehouse.replaceDates(TableCatalog.USER_DAILY_ACTIVITY, rollup, touched),
            () ->
                warehouse.replaceDates(
                    TableCatalog.USER_EVENT_TOTALS,
                    totals.select(
                        lit(day).as("as_of_date"),
                        col("user_id"),
                        col("event"),
                        col("event_count"),
                        col("first_ts"),
                        col("last_ts")),
                    List.of(date),
                    Optional.of(oldestKept))));

    // 2. Snapshots of D from the rollups.
    Dataset<Row> totalsOfDay =
        warehouse
            .read(TableNames.USER_EVENT_TOTALS)
            .where(col("as_of_date").equalTo(lit(day)))
            .drop("as_of_date");
    // One pass over the longest window of the rollup gives the two inputs every window column
    // comes from: per user and event the count in each window, and each user's active dates.
    // Materialized here, before the two writes share them.
    Dataset<Row> activity =
        warehouse
            .read(TableNames.USER_DAILY_ACTIVITY)
            .where(
                col("activity_date")
                    .between(
                        lit(Date.valueOf(date.minusDays(features.longestWindow() - 1L))), lit(day)))
            .where(DailyRollup.knownOn(date))
            .select("user_id", "activity_date", "event", "event_count")
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> eventCounts =
        WindowAggregates.userEventCounts(activity, date, features.windows())
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> activeDates =
        activity
            .select("user_id", "activity_date")
            .distinct()
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> accounts =
        // The assignments known on D: a rerun of D after later days brought late group calls
        // gives D's accounts as its night saw them.
        DailyRollup.accountsOn(memberships.where(col("ingest_date").leq(lit(day))), date)
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> accountTraits =
        traitsAsOf(
            TableNames.ACCOUNT_TRAITS_HISTORY,
            TableNames.ACCOUNT_TRAITS,
            "account_id",
            date,
            settings.accountTraits());
    AccountHierarchy.Tree tree = hierarchy(accountTraits);
    List<String> problems = tree.cycleReports(features.parentTrait());
    problems.forEach(p -> LOG.warn("features {}: {}", date, p));
    Dataset<Row> hierarchyRows = AccountHierarchy.rows(spark, tree, date);
    long[] written = new long[3];
    try {
      eventCounts.count();
      activeDates.count();
      Dataset<Row> userFeatures =
          UserFeatures.compute(
              date,
              features.windows(),
              eventCounts,
              activeDates,
              totalsOfDay,
              traitsAsOf(
                  TableNames.USER_TRAITS_HISTORY,
                  TableNames.USER_TRAITS,
                  "user_id",
                  date,
                  settings.userTraits()),
              accounts,
              settings.userTraits());
      AccountFeatures.Inputs accountInputs =
          new AccountFeatures.Inputs(
              date,
              features.windows(),
              features.totalUsersWindowDays(),
              eventCounts,
              activeDates,
              totalsOfDay,
              settings.accountTraits());
      Dataset<Row> accountFeatures =
          accountInputs.rows(accountTraits, accounts, AccountHierarchy.LEAF);
      if (!tree.parents().isEmpty()) {
        // Parent rows: every user counts under its account's rollup accounts (the account itself
        // when it has children, and its ancestors), as if it belonged to each; the traits are the
        // parent's own (none for a parent that no group call described).
        Dataset<Row> rollups = AccountHierarchy.rollups(hierarchyRows);
        Dataset<Row> parentMembers =
            accounts
                .join(rollups, "account_id")
                .select(col("user_id"), col("rollup_account_id").as("account_id"));
        Dataset<Row> parents =
            spark
                .createDataset(tree.parents(), org.apache.spark.sql.Encoders.STRING())
                .toDF("account_id");
        accountFeatures =
            accountFeatures.unionByName(
                accountInputs.rows(
                    parents.join(accountTraits, "account_id", "left"),
                    parentMembers,
                    AccountHierarchy.PARENT));
      }
      Dataset<Row> accountRows = accountFeatures;
      warehouse.writeConcurrently(
          List.of(
              () ->
                  written[0] =
                      warehouse.replaceDate(TableCatalog.USER_FEATURES, userFeatures, date),
              () ->
                  written[1] =
                      warehouse.replaceDate(TableCatalog.ACCOUNT_FEATURES, accountRows, date),
              () ->
                  written[2] =
                      warehouse.replaceDate(TableCatalog.ACCOUNT_HIERARCHY, hierarchyRows, date)));
    } finally {
      // Dependents first: uncaching a plan that other cached plans use makes Spark re-plan them.
      eventCounts.unpersist();
      activeDates.unpersist();
      activity.unpersist();
      accounts.unpersist();
    }
    long parentRows = tree.parents().size();
    FeaturesSummary summary =
        new FeaturesSummary(
            date, List.copyOf(touched), written[0], written[1] - parentRows, parentRows, problems);
    return summary;
  }

  /**
   * The account tree of D from the account traits as they stood on D (empty when {@code
   * features.parent-trait} is "").
   */
  private AccountHierarchy.Tree hierarchy(Dataset<Row> accountTraits) {
    Map<String, String> declared = new HashMap<>();
    String trait = settings.features().parentTrait();
    if (settings.features().hierarchy()) {
      for (Row r :
          accountTraits
              .select(col("account_id"), trim(element_at(col("traits"), lit(trait))).as("parent"))
              .where(col("account_id").isNotNull())
              .where(col("parent").isNotNull().and(col("parent").notEqual(lit(""))))
              .collectAsList()) {
        declared.put(r.getString(0), r.getString(1));
      }
    }
    return AccountHierarchy.resolve(declared);
  }

  /** user_event_totals rows of D: previous snapshot + events ingested after it, else all events. */
  private Dataset<Row> totalsOf(LocalDate date, Dataset<Row> trackEvents) {
    Date day = Date.valueOf(date);
    Optional<LocalDate> previous = previousTotalsSnapshot(date);
    if (previous.isEmpty()) {
      LOG.info("user_event_totals {}: no earlier snapshot, rebuilding from all events", date);
      return DailyRollup.totals(
          Optional.empty(), trackEvents.where(col("ingest_date").leq(lit(day))));
    }
    LocalDate p = previous.get();
    LOG.info("user_event_totals {}: snapshot {} plus events ingested after it", date, p);
    Dataset<Row> since =
        trackEvents
            // ingest_date > P implies event_date > P - lookback: lets Delta prune partitions.
            .where(
                col("event_date")
                    .gt(lit(Date.valueOf(p.minusDays(settings.ingest().lookbackDays())))))
            .where(col("event_date").leq(lit(day)))
            .where(
                col("ingest_date").gt(lit(Date.valueOf(p))).and(col("ingest_date").leq(lit(day))));
    Dataset<Row> prior =
        warehouse
            .read(TableNames.USER_EVENT_TOTALS)
            .where(col("as_of_date").equalTo(lit(Date.valueOf(p))));
    return DailyRollup.totals(Optional.of(prior), since);
  }

  /**
   * The traits as they stood on D: from the trait history (each id's row of the greatest input day
   * up to D), so a rerun or backfill of D gives D's trait columns; the latest-value table for a
   * warehouse whose ingest has not written a history yet.
   */
  private Dataset<Row> traitsAsOf(
      String historyTable,
      String latestTable,
      String idColumn,
      LocalDate date,
      List<dev.segments.common.config.TraitColumn> typed) {
    if (warehouse.exists(historyTable)) {
      return dev.segments.jobs.ingest.Traits.asOf(
          warehouse.read(historyTable), idColumn, date, typed);
    }
    return warehouse.read(latestTable);
  }

  /** D plus the event dates D's ingest touched (late events). */
  private TreeSet<LocalDate> touchedDates(LocalDate date) {
    if (!warehouse.exists(TableNames.INGEST_RUNS)) {
      throw notIngested(date);
    }
    List<Row> runs =
        warehouse
            .read(TableNames.INGEST_RUNS)
            .where(col("ingest_date").equalTo(lit(Date.valueOf(date))))
            .select("touched_dates")
            .collectAsList();
    if (runs.isEmpty()) {
      throw notIngested(date);
    }
    TreeSet<LocalDate> touched = new TreeSet<>();
    touched.add(date);
    for (Object d : runs.get(0).getList(0)) {
      touched.add(((Date) d).toLocalDate());
    }
    return touched;
  }

  private static UserError notIngested(LocalDate date) {
    return new UserError(
        "Cannot build features for "
            + date
            + ": ingest has not run for that date (run segments ingest --date "
            + date
            + " first, or segments run --date "
            + date
            + ")");
  }

  private Optional<LocalDate> previousTotalsSnapshot(LocalDate date) {
    if (!warehouse.exists(TableNames.USER_EVENT_TOTALS)) {
      return Optional.empty();
    }
    Row row =
        warehouse
            .read(TableNames.USER_EVENT_TOTALS)
            .where(col("as_of_date").lt(lit(Date.valueOf(date))))
            .agg(max(col("as_of_date")))
            .first();
    return row.isNullAt(0) ? Optional.empty() : Optional.of(row.getDate(0).toLocalDate());
  }
}
