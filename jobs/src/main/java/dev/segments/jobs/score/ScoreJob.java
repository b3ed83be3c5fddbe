package dev.segments.jobs.score;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_keys;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.segments.common.UserError;
import dev.segments.common.config.Workspace;
import dev.segments.common.segments.SegmentDefinition.Entity;
import dev.segments.common.tables.TableCatalog;
import dev.segments.common.tables.TableNames;
import dev.segments.jobs.features.AccountHierarchy;
import dev.segments.jobs.pipeline.StageContext;
import dev.segments.jobs.pipeline.StageSummary;
import dev.segments.jobs.pipeline.WithStageContext;
import dev.segments.jobs.segments.SegmentCompiler;
import dev.segments.jobs.segments.SegmentsEvaluator;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Scores of one day D for every workspace (docs/scoring.md).
 *
 * <p>Reads {@code user_features} and {@code account_features} of D, {@code user_daily_activity} of
 * the longest scoring period (for frequency) and the scores of D minus each period (for
 * score_change). Writes, one commit each, the rows of D of {@code user_scores}, {@code
 * account_scores} and {@code segment_thresholds}. A rerun of D replaces D's rows.
 */
public final class ScoreJob extends WithStageContext {

  public ScoreJob(StageContext context) {
    super(context);
  }

  /** What one workspace scored, for the console. */
  public record WorkspaceSummary(
      String workspace,
      long users,
      long activeUsers,
      Double userBenchmark,
      long accounts,
      long activeAccounts,
      Double accountBenchmark,
      long parentAccounts,
      Double parentBenchmark) {}

  /** Counts of what was written. */
  public record ScoreSummary(LocalDate asOf, List<WorkspaceSummary> workspaces)
      implements StageSummary {
    @Override
    public String render() {
      StringBuilder sb = new StringBuilder();
      for (WorkspaceSummary w : workspaces) {
        sb.append(
            String.format(
                "score %s [%s]: %,d users (%,d active, benchmark %s), %,d accounts (%,d active, benchmark %s)%n",
                asOf,
                w.workspace(),
                w.users(),
                w.activeUsers(),
                w.userBenchmark(),
                w.accounts(),
                w.activeAccounts(),
                w.accountBenchmark()));
        if (w.parentAccounts() > 0) {
          sb.append(
              String.format(
                  "score %s [%s]: %,d parent accounts (benchmark %s)%n",
                  asOf, w.workspace(), w.parentAccounts(), w.parentBenchmark()));
        }
      }
      return sb.toString();
    }
  }

  public ScoreSummary run(LocalDate date) {
    Date day = Date.valueOf(date);
    if (!warehouse.exists(TableNames.USER_FEATURES)
        || !warehouse.exists(TableNames.ACCOUNT_FEATURES)
        || warehouse
            .read(TableNames.USER_FEATURES)
            .where(col("as_of_date").equalTo(lit(day)))
            .isEmpty()) {
      throw new UserError(
          "Cannot score "
              + date
              + ": user_features has no rows for that date (run segments features --date "
              + date
              + " first, or segments run --date "
              + date
              + ")");
    }
    // With days_since_created, which conditions of activation steps may read.
    Dataset<Row> userFeatures =
        SegmentsEvaluator.withDaysSinceCreated(
                warehouse.read(TableNames.USER_FEATURES).where(col("as_of_date").equalTo(lit(day))),
                date,
                settings.userTraits())
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> accountFeatures =
        SegmentsEvaluator.withDaysSinceCreated(
                warehouse
                    .read(TableNames.ACCOUNT_FEATURES)
                    .where(col("as_of_date").equalTo(lit(day))),
                date,
                settings.accountTraits())
            .persist(StorageLevel.MEMORY_AND_DISK());
    Column level = AccountHierarchy.levelOf(accountFeatures);
    Dataset<Row> leafFeatures = accountFeatures.where(level.equalTo(AccountHierarchy.LEAF));
    Dataset<Row> parentFeatures = accountFeatures.where(level.equalTo(AccountHierarchy.PARENT));
    long parentRows = parentFeatures.count();
    WorkspaceScorer.Hierarchy hierarchy =
        parentRows == 0
            ? null
            : new WorkspaceScorer.Hierarchy(
                parentFeatures, AccountHierarchy.rollupsOn(warehouse, spark, date), parentRows);
    SegmentCompiler conditions = SegmentsEvaluator.compiler(date, java.util.Map.of(), settings);
    int longestPeriod =
        settings.scoring().workspaces().stream().mapToInt(Workspace::periodDays).max().orElse(1);
    Dataset<Row> activity =
        warehouse
            .read(TableNames.USER_DAILY_ACTIVITY)
            .where(
                col("activity_date")
                    .between(lit(Date.valueOf(date.minusDays(longestPeriod - 1L))), lit(day)))
            .where(dev.segments.jobs.features.DailyRollup.knownOn(date))
            .select("activity_date", "user_id", "event")
            .persist(StorageLevel.MEMORY_AND_DISK());
    List<Dataset<Row>> toRelease =
        new ArrayList<>(List.of(userFeatures, accountFeatures, activity));
    try {
      Dataset<Row> users = null;
      Dataset<Row> accounts = null;
      List<Row> thresholds = new ArrayList<>();
      List<WorkspaceSummary> summaries = new ArrayList<>();
      for (Workspace ws : settings.scoring().workspaces()) {
        // The population: a user condition of the segment language, evaluated as a segment is.
        Dataset<Row> population =
            ws.population().isEmpty()
                ? userFeatures
                : userFeatures.join(
                    new SegmentsEvaluator(context)
                        .usersMatching(date, ws.population().get(), userFeatures),
                    "user_id",
                    "left_semi");
        WorkspaceScorer scorer =
            new WorkspaceScorer(
                ws,
                date,
                population,
                conditions,
                userFeatures,
                leafFeatures,
                hierarchy,
                activity,
                previousScores(TableNames.USER_SCORES, "user_id", ws, date, null),
                previousScores(
                    TableNames.ACCOUNT_SCORES, "account_id", ws, date, AccountHierarchy.LEAF),
                previousScores(
                    TableNames.ACCOUNT_SCORES, "account_id", ws, date, AccountHierarchy.PARENT),
                settings.scoring().percentileAccuracy());
        WorkspaceScorer.Result r = scorer.score();
        toRelease.addAll(r.persisted());
        users = users == null ? r.users() : users.unionByName(r.users());
        accounts = accounts == null ? r.accounts() : accounts.unionByName(r.accounts());
        thresholds.addAll(r.thresholds());
        summaries.add(r.summary());
      }
      Dataset<Row> thresholdRows = spark.createDataFrame(thresholds, Thresholds.SCHEMA);
      Dataset<Row> u = users;
      Dataset<Row> a = accounts;
      warehouse.writeConcurrently(
          List.of(
              () -> warehouse.replaceDate(TableCatalog.USER_SCORES, u, date),
              () -> warehouse.replaceDate(TableCatalog.ACCOUNT_SCORES, a, date),
              () -> warehouse.replaceDate(TableCatalog.SEGMENT_THRESHOLDS, thresholdRows, date)));
      ScoreSummary summary = new ScoreSummary(date, summaries);
      return summary;
    } finally {
      // Dependents first: uncaching a plan that other cached plans use makes Spark re-plan them.
      for (int i = toRelease.size() - 1; i >= 0; i--) {
        toRelease.get(i).unpersist();
      }
    }
  }

  /**
   * {@code (id, previous_score)}: the workspace's scores of D minus its period, if any; of the
   * level given (accounts), rows written before levels counting as leaf rows.
   */
  private Dataset<Row> previousScores(
      String table, String id, Workspace ws, LocalDate date, String level) {
    Date earlier = Date.valueOf(date.minusDays(ws.periodDays()));
    if (!warehouse.exists(table)) {
      return null;
    }
    Dataset<Row> rows =
        warehouse
            .read(table)
            .where(
                col("as_of_date")
                    .equalTo(lit(earlier))
                    .and(col("workspace").equalTo(lit(ws.name()))));
    if (level != null) {
      rows = rows.where(AccountHierarchy.levelOf(rows).equalTo(level));
    }
    return rows.select(col(id), col("engagement_score").as("previous_score"));
  }

  /** Scores one workspace. */
  static final class WorkspaceScorer {
    record Result(
        Dataset<Row> users,
        Dataset<Row> accounts,
        List<Row> thresholds,
        WorkspaceSummary summary,
        List<Dataset<Row>> persisted) {}

    /**
     * The date's parent rows of account_features ({@code rows} of them), and (account_id,
     * rollup_account_id): whose parent rows each account's users count in.
     */
    record Hierarchy(Dataset<Row> features, Dataset<Row> rollups, long rows) {}

    private final Workspace ws;
    private final LocalDate date;
    private final Dataset<Row> userFeatures;
    private final Dataset<Row> accountFeatures;
    private final Hierarchy hierarchy;
    private final Dataset<Row> activity;
    private final Dataset<Row> previousUsers;
    private final Dataset<Row> previousAccounts;
    private final Dataset<Row> previousParents;
    private final int accuracy;
    private final ScoreColumns sc;

    private final Dataset<Row> population;
    private final SegmentCompiler conditions;

    WorkspaceScorer(
        Workspace ws,
        LocalDate date,
        Dataset<Row> population,
        SegmentCompiler conditions,
        Dataset<Row> userFeatures,
        Dataset<Row> accountFeatures,
        Hierarchy hierarchy,
        Dataset<Row> activity,
        Dataset<Row> previousUsers,
        Dataset<Row> previousAccounts,
        Dataset<Row> previousParents,
        int accuracy) {
      this.ws = ws;
      this.population = population;
      this.conditions = conditions;
      this.date = date;
      this.userFeatures = userFeatures;
      this.accountFeatures = accountFeatures;
      this.hierarchy = hierarchy;
      this.activity = activity;
      this.previousUsers = previousUsers;
      this.previousAccounts = previousAccounts;
      this.previousParents = previousParents;
      this.accuracy = accuracy;
      this.sc = new ScoreColumns(ws);
    }

    Result score() {
      List<Dataset<Row>> persisted = new ArrayList<>();
      // Users in the population, with the parts of their score.
      List<Column> userSteps = ScoreColumns.stepsDone(ws.userSteps(), conditions, Entity.USER);
      Column scored = sc.scoredEvents(sc.periodCounts());
      List<Column> parts =
          new ArrayList<>(
              List.of(
                  col("user_id"),
                  col("account_id"),
                  sc.rawScore(sc.periodCounts()).as("raw_score"),
                  scored.as("scored_events"),
                  sc.scoredEvents(col("event_counts_all_time")).as("scored_events_all_time"),
                  sc.featuresUsed(scored).as("features_used")));
      parts.addAll(ScoreColumns.activation(ws.userSteps(), userSteps));
      Dataset<Row> periodActivity = scoredActivity();
      Dataset<Row> userBase =
          population
              .select(parts.toArray(Column[]::new))
              .join(
                  periodActivity
                      .groupBy("user_id")
                      .agg(count_distinct(col("activity_date")).as("frequency")),
                  "user_id",
                  "left")
              .persist(StorageLevel.MEMORY_AND_DISK());
      persisted.add(userBase);
      Double userBenchmark = benchmark(userBase);
      Dataset<Row> users =
          withScore(userBase, userBenchmark, previousUsers, "user_id")
              .persist(StorageLevel.MEMORY_AND_DISK());
      persisted.add(users);

      // Accounts: their users' parts summed up, their own activation steps on account_features;
      // parent rows the same over the users of the account and of every account under it.
      Dataset<Row> userAccounts = population.select(col("user_id"), col("account_id"));
      Accounts leaf =
          accounts(
              AccountHierarchy.LEAF,
              users,
              userAccounts,
              periodActivity,
              accountFeatures,
              previousAccounts,
              persisted);
      Accounts parents = null;
      if (hierarchy != null) {
        Dataset<Row> underParents =
            users
                .join(hierarchy.rollups(), "account_id")
                .drop("account_id")
                .withColumnRenamed("rollup_account_id", "account_id");
        Dataset<Row> parentAccounts =
            userAccounts
                .join(hierarchy.rollups(), "account_id")
                .select(col("user_id"), col("rollup_account_id").as("account_id"));
        parents =
            accounts(
                AccountHierarchy.PARENT,
                underParents,
                parentAccounts,
                periodActivity,
                hierarchy.features(),
                previousParents,
                persisted);
      }

      Dataset<Row> userOut = users.select(columnsOf("user_id", true, null).toArray(Column[]::new));
      Dataset<Row> accountOut = leaf.rows();
      List<Row> thresholds = new ArrayList<>();
      Thresholds.Stats userStats = Thresholds.stats(userOut, Thresholds.USER_METRICS, accuracy);
      // Thresholds and suggested bands: of the leaf rows, as without a hierarchy.
      Thresholds.Stats accountStats =
          Thresholds.stats(accountOut, Thresholds.ACCOUNT_METRICS, accuracy);
      thresholds.addAll(Thresholds.rows(date, ws, "user", userStats, userBenchmark));
      thresholds.addAll(Thresholds.rows(date, ws, "account", accountStats, leaf.benchmark()));
      WorkspaceSummary summary =
          new WorkspaceSummary(
              ws.name(),
              userStats.entities(),
              userStats.active(),
              userBenchmark,
              accountStats.entities(),
              accountStats.active(),
              leaf.benchmark(),
              hierarchy == null ? 0 : hierarchy.rows(),
              parents == null ? null : parents.benchmark());
      if (parents != null) {
        accountOut = accountOut.unionByName(parents.rows());
      }
      return new Result(userOut, accountOut, thresholds, summary, persisted);
    }

    /** One level's account rows, and the benchmark they were normalized against. */
    private record Accounts(Dataset<Row> rows, Double benchmark) {}

    /**
     * Account rows of one level.
     *
     * @param users scored users, {@code account_id} the account they count under at this level
     * @param userAccounts {@code (user_id, account_id)} of the population at this level
     * @param features the level's account_features rows of the day
     */
    private Accounts accounts(
        String level,
        Dataset<Row> users,
        Dataset<Row> userAccounts,
        Dataset<Row> periodActivity,
        Dataset<Row> features,
        Dataset<Row> previous,
        List<Dataset<Row>> persisted) {
      Dataset<Row> byAccount =
          users
              .where(col("account_id").isNotNull())
              .groupBy("account_id")
              .agg(
                  sum(col("raw_score")).as("raw_score"),
                  round(avg(when(col("active"), col("engagement_score"))), 1).as("avg_user_score"),
                  sum(when(col("active"), lit(1L)).otherwise(lit(0L))).as("active_users"),
                  sum(when(col("activated"), lit(1L)).otherwise(lit(0L))).as("activated_users"),
                  array_distinct(flatten(collect_list(col("scored_events")))).as("scored_events"),
                  array_distinct(flatten(collect_list(col("scored_events_all_time"))))
                      .as("scored_events_all_time"),
                  array_distinct(flatten(collect_list(col("features_used")))).as("features_used"));
      Dataset<Row> accountFrequency =
          periodActivity
              .join(userAccounts, "user_id")
              .where(col("account_id").isNotNull())
              .groupBy("account_id")
              .agg(count_distinct(col("activity_date")).as("frequency"));
      List<Column> accountSteps =
          ScoreColumns.stepsDone(ws.accountSteps(), conditions, Entity.ACCOUNT);
      List<Column> accountParts = new ArrayList<>(List.of(col("account_id"), col("total_users")));
      accountParts.addAll(ScoreColumns.activation(ws.accountSteps(), accountSteps));
      long scoredEventTypes = scoredEventTypes();
      Dataset<Row> accountBase =
          features
              .select(accountParts.toArray(Column[]::new))
              .join(byAccount, "account_id", ws.population().isPresent() ? "inner" : "left")
              .join(accountFrequency, "account_id", "left")
              .select(
                  col("account_id"),
                  coalesce(col("raw_score"), lit(0.0)).as("raw_score"),
                  col("frequency"),
                  ScoreColumns.share(
                          size(coalesce(col("features_used"), ScoreColumns.emptyStrings())),
                          sc.featureCount())
                      .as("breadth_value"),
                  col("activation_progress"),
                  col("activation_steps_done"),
                  col("activated"),
                  col("avg_user_score"),
                  col("total_users"),
                  coalesce(col("active_users"), lit(0L)).as("active_users"),
                  when(
                          col("total_users").gt(0),
                          round(
                              coalesce(col("active_users"), lit(0L))
                                  .multiply(100.0)
                                  .divide(col("total_users")),
                              1))
                      .as("active_user_pct"),
                  coalesce(col("activated_users"), lit(0L)).as("activated_users"),
                  ScoreColumns.share(
                          size(coalesce(col("scored_events"), ScoreColumns.emptyStrings())),
                          scoredEventTypes)
                      .as("adoption"),
                  ScoreColumns.share(
                          size(
                              coalesce(col("scored_events_all_time"), ScoreColumns.emptyStrings())),
                          scoredEventTypes)
                      .as("adoption_all_time"))
              .persist(StorageLevel.MEMORY_AND_DISK());
      persisted.add(accountBase);
      Double accountBenchmark = benchmark(accountBase);
      Dataset<Row> accounts =
          withScore(accountBase, accountBenchmark, previous, "account_id")
              .persist(StorageLevel.MEMORY_AND_DISK());
      persisted.add(accounts);
      return new Accounts(
          accounts.select(columnsOf("account_id", false, level).toArray(Column[]::new)),
          accountBenchmark);
    }

    /** Rollup rows of scored events in the period: (activity_date, user_id, event). */
    private Dataset<Row> scoredActivity() {
      Dataset<Row> inPeriod =
          activity.where(
              col("activity_date").geq(lit(Date.valueOf(date.minusDays(ws.periodDays() - 1L)))));
      if (ws.scoresEveryEvent()) {
        return inPeriod;
      }
      return inPeriod.where(col("event").isin(ws.eventMultipliers().keySet().toArray()));
    }

    /** The number of event types adoption divides by. */
    private long scoredEventTypes() {
      if (!ws.scoresEveryEvent()) {
        return ws.eventMultipliers().size();
      }
      // Every event scores: the event types anyone has done up to the date.
      return userFeatures
          .select(explode(map_keys(col("event_counts_all_time"))))
          .distinct()
          .count();
    }

    /** p90 of the positive raw scores, null when there are none. */
    private Double benchmark(Dataset<Row> base) {
      Row row =
          base.where(col("raw_score").gt(0))
              .agg(percentile_approx(col("raw_score"), lit(0.9), lit(accuracy)))
              .first();
      return row.isNullAt(0) ? null : row.getDouble(0);
    }

    private Dataset<Row> withScore(
        Dataset<Row> base, Double benchmark, Dataset<Row> previous, String id) {
      Dataset<Row> scored =
          base.withColumn("engagement_score", sc.engagement(col("raw_score"), benchmark))
              .withColumn("active", col("raw_score").gt(0));
      scored =
          previous == null
              ? scored.withColumn("previous_score", lit(null).cast("int"))
              : scored.join(previous, id, "left");
      Column change = col("engagement_score").minus(col("previous_score"));
      return scored.withColumn("score_change", change).withColumn("trend", sc.trend(change));
    }

    private List<Column> columnsOf(String id, boolean user, String level) {
      List<Column> c = new ArrayList<>();
      c.add(lit(Date.valueOf(date)).as("as_of_date"));
      c.add(lit(ws.name()).as("workspace"));
      c.add(col(id));
      if (!user) {
        c.add(lit(level).as("level"));
      }
      if (user) {
        c.add(col("account_id"));
      }
      c.add(col("raw_score"));
      c.add(col("engagement_score"));
      c.add(coalesce(col("frequency"), lit(0L)).cast("int").as("frequency"));
      c.add(
          user
              ? ScoreColumns.share(size(col("features_used")), sc.featureCount()).as("breadth")
              : col("breadth_value").as("breadth"));
      List<String> rest =
          new ArrayList<>(
              List.of(
                  "active",
                  "activation_progress",
                  "activation_steps_done",
                  "activated",
                  "previous_score",
                  "score_change",
                  "trend"));
      if (!user) {
        rest.addAll(
            List.of(
                "avg_user_score",
                "total_users",
                "active_users",
                "active_user_pct",
                "activated_users",
                "adoption",
                "adoption_all_time"));
      }
      rest.forEach(name -> c.add(col(name)));
      return c;
    }
  }
}
