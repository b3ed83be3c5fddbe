package dev.segments.jobs.segments;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import dev.segments.common.UserError;
import dev.segments.common.config.Settings;
import dev.segments.common.config.TraitColumn;
import dev.segments.common.config.TraitType;
import dev.segments.common.segments.Cond;
import dev.segments.common.segments.ReferenceGraph;
import dev.segments.common.segments.SegmentDefinition;
import dev.segments.common.segments.SegmentDefinition.Entity;
import dev.segments.common.tables.TableNames;
import dev.segments.jobs.features.AccountHierarchy;
import dev.segments.jobs.pipeline.StageContext;
import dev.segments.jobs.pipeline.WithStageContext;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Evaluates every segment for one day: all user segments in one pass over the day's user base, then
 * all account segments over the account base; event conditions of all segments in one aggregation
 * per source (totals for ever, the daily rollup for windows, events for property filters);
 * references in dependency order; memberships as an array of segment ids per entity (never one
 * boolean column per segment).
 */
public final class SegmentsEvaluator extends WithStageContext {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(SegmentsEvaluator.class);

  private final List<Dataset<Row>> cached = new ArrayList<>();

  public SegmentsEvaluator(StageContext context) {
    super(context);
  }

  /**
   * The day's memberships {@code (segment_id, entity, entity_id)}, one row per member, for the
   * given segments (which must be valid and include every segment they refer to).
   */
  public Dataset<Row> members(LocalDate date, List<SegmentDefinition> segments) {
    Frames frames = frames(date, segments);
    Dataset<Row> userLong =
        frames
            .users()
            .select(
                lit("user").as("entity"),
                col("user_id").as("entity_id"),
                explode(col("__m")).as("segment_id"));
    Dataset<Row> accountLong =
        frames
            .accounts()
            .select(
                lit("account").as("entity"),
                col("account_id").as("entity_id"),
                explode(col("__m")).as("segment_id"));
    return userLong.unionByName(accountLong).select("segment_id", "entity", "entity_id");
  }

  /**
   * The day's evaluated base frames: every user and every account with the columns the conditions
   * read (see {@link SegmentCompiler}) and {@code __m}, the ids of the given segments each belongs
   * to; and the compiler that compiled them (its event and aggregate column names). The user frame
   * is cached until {@link #release}.
   */
  public record Frames(
      Dataset<Row> users,
      Dataset<Row> accounts,
      SegmentCompiler compiler,
      Dataset<Row> userAccounts) {
    /** The account frame's rows an account segment of this level is evaluated on. */
    public Dataset<Row> accountsAt(SegmentDefinition.Level level) {
      return accounts.where(levelGuard(level));
    }
  }

  /**
   * Which rows of the account frame (a {@code level} and {@code __top} column) a segment of the
   * level reads: {@code any} reads each account's top row, its parent row when it has one.
   */
  static Column levelGuard(SegmentDefinition.Level level) {
    return switch (level) {
      case LEAF -> col("level").equalTo(lit(AccountHierarchy.LEAF));
      case PARENT -> col("level").equalTo(lit(AccountHierarchy.PARENT));
      case ANY -> col("__top");
    };
  }

  /**
   * {@code (__u, __a, __l)}: every user under every account row it counts in, the user's own
   * account at level {@code leaf} and each rollup account of it at level {@code parent}.
   */
  private Dataset<Row> userAccounts(LocalDate date, Dataset<Row> userFeatures) {
    Dataset<Row> own =
        userFeatures
            .where(col("account_id").isNotNull())
            .select(
                col("user_id").as("__u"),
                col("account_id").as("__a"),
                lit(AccountHierarchy.LEAF).as("__l"));
    Dataset<Row> rollups = AccountHierarchy.rollupsOn(warehouse, spark, date);
    Dataset<Row> under =
        userFeatures
            .select("user_id", "account_id")
            .join(rollups, "account_id")
            .select(
                col("user_id").as("__u"),
                col("rollup_account_id").as("__a"),
                lit(AccountHierarchy.PARENT).as("__l"));
    return own.unionByName(under);
  }

  /** As {@link #members}, before the memberships are turned into rows. */
  public Frames frames(LocalDate date, List<SegmentDefinition> segments) {
    Date day = Date.valueOf(date);
    requireScores(date);
    SegmentCompiler compiler = compiler(date, bands(date), settings);
    List<SegmentDefinition> users =
        segments.stream().filter(s -> s.entity() == Entity.USER).toList();
    List<SegmentDefinition> accounts =
        segments.stream().filter(s -> s.entity() == Entity.ACCOUNT).toList();
    users.forEach(s -> compiler.register(s.where(), Entity.USER, s.workspace()));
    accounts.forEach(s -> compiler.register(s.where(), Entity.ACCOUNT, s.workspace()));

    Dataset<Row> userFeatures =
        withDaysSinceCreated(
            warehouse.read(TableNames.USER_FEATURES).where(col("as_of_date").equalTo(lit(day))),
            date,
            settings.userTraits());
    Dataset<Row> accountFeatures = accountRows(date);
    Dataset<Row> userAccounts = userAccounts(date, userFeatures);
    Dataset<Row> accountBase =
        withScores(accountFeatures, TableNames.ACCOUNT_SCORES, "account_id", day);
    accountBase =
        withEvents(
            accountBase, "account_id", compiler.events.get(Entity.ACCOUNT), date, userAccounts);

    Dataset<Row> userBase = withScores(userFeatures, TableNames.USER_SCORES, "user_id", day);
    if (segments.stream().anyMatch(d -> Cond.readsAccountFields(d.where()))) {
      // A user's account fields are its own account's (the leaf row).
      Dataset<Row> own = accountBase.where(levelGuard(SegmentDefinition.Level.LEAF));
      Dataset<Row> prefixed =
          own.select(
              java.util.Arrays.stream(accountBase.columns())
                  .map(c -> own.col(c).as("account__" + c))
                  .toArray(Column[]::new));
      userBase =
          userBase.join(
              prefixed,
              userBase.col("account_id").equalTo(prefixed.col("account__account_id")),
              "left");
    }
    userBase =
        withEvents(userBase, "user_id", compiler.events.get(Entity.USER), date, userAccounts);
    userBase =
        evaluate(userBase, users, Entity.USER, compiler).persist(StorageLevel.MEMORY_AND_DISK());
    cached.add(userBase);

    if (!compiler.aggregates.isEmpty()) {
      List<Column> aggs = new ArrayList<>();
      aggs.add(count(lit(1)).as("ua_total"));
      compiler.aggregates.forEach(
          (u, name) ->
              aggs.add(
                  sum(when(
                              compiler.compile(
                                  u.users(), Entity.USER, compiler.aggregateWorkspaces.get(u)),
                              lit(1L))
                          .otherwise(lit(0L)))
                      .as(name)));
      // Each account row's users: its own (leaf), or its own and those under it (parent).
      Dataset<Row> byAccount =
          userBase
              .join(userAccounts, userBase.col("user_id").equalTo(userAccounts.col("__u")))
              .groupBy(col("__a").as("ua_account_id"), col("__l").as("ua_level"))
              .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
      accountBase =
          accountBase
              .join(
                  byAccount,
                  accountBase
                      .col("account_id")
                      .equalTo(byAccount.col("ua_account_id"))
                      .and(accountBase.col("level").equalTo(byAccount.col("ua_level"))),
                  "left")
              .drop("ua_level");
    }
    Dataset<Row> accountMembers = evaluate(accountBase, accounts, Entity.ACCOUNT, compiler);
    return new Frames(userBase, accountMembers, compiler, userAccounts);
  }

  /**
   * Releases what {@link #members} cached (the user base, read twice: for user memberships and for
   * the accounts' user aggregates). Call it after unpersisting anything cached on top of the
   * members.
   */
  public void release() {
    cached.forEach(Dataset::unpersist);
    cached.clear();
  }

  private void requireScores(LocalDate date) {
    Date day = Date.valueOf(date);
    if (!warehouse.exists(TableNames.USER_SCORES)
        || !warehouse.exists(TableNames.SEGMENT_THRESHOLDS)
        || warehouse
            .read(TableNames.SEGMENT_THRESHOLDS)
            .where(col("as_of_date").equalTo(lit(day)))
            .isEmpty()) {
      throw new UserError(
          "Cannot evaluate segments for "
              + date
              + ": no scores for that date (run segments score --date "
              + date
              + " first, or segments run --date "
              + date
              + ")");
    }
  }

  /** Band bounds of the day from segment_thresholds. */
  private Map<String, SegmentCompiler.Bounds> bands(LocalDate date) {
    Map<String, SegmentCompiler.Bounds> out = new HashMap<>();
    for (Row r :
        warehouse
            .read(TableNames.SEGMENT_THRESHOLDS)
            .where(col("as_of_date").equalTo(lit(Date.valueOf(date))).and(col("band").isNotNull()))
            .select("workspace", "entity", "band", "metric", "lower_bound", "upper_bound")
            .collectAsList()) {
      Entity e = r.getAs("entity").equals("user") ? Entity.USER : Entity.ACCOUNT;
      out.put(
          SegmentCompiler.bandKey(r.getAs("workspace"), e, r.getAs("band")),
          new SegmentCompiler.Bounds(
              r.getAs("metric"), r.getAs("lower_bound"), r.getAs("upper_bound")));
    }
    return out;
  }

  /**
   * A compiler for the date's conditions, knowing which fields are timestamps (the configured
   * traits').
   */
  public static SegmentCompiler compiler(
      LocalDate date, Map<String, SegmentCompiler.Bounds> bands, Settings settings) {
    SegmentCompiler compiler = new SegmentCompiler(date, bands);
    Set<String> timestampFields = new java.util.HashSet<>(Set.of("first_seen", "last_seen"));
    settings.userTraits().stream()
        .filter(t -> t.type() == TraitType.TIMESTAMP || t.type() == TraitType.DATE)
        .forEach(t -> timestampFields.add(t.column()));
    settings.accountTraits().stream()
        .filter(t -> t.type() == TraitType.TIMESTAMP || t.type() == TraitType.DATE)
        .forEach(t -> timestampFields.add(t.column()));
    compiler.timestampFields = timestampFields;
    return compiler;
  }

  /**
   * The ids ({@code user_id}) of the users of {@code userFeatures} (the date's rows) that satisfy a
   * condition reading no score and no segment (a workspace's population): the same base frame and
   * compiler as {@link #members}, without the scores.
   */
  public Dataset<Row> usersMatching(LocalDate date, Cond where, Dataset<Row> userFeatures) {
    SegmentCompiler compiler = compiler(date, Map.of(), settings);
    compiler.register(where, Entity.USER, "");
    Dataset<Row> base = withDaysSinceCreated(userFeatures, date, settings.userTraits());
    if (Cond.readsAccountFields(where)) {
      Dataset<Row> accounts =
          accountRows(date).where(levelGuard(SegmentDefinition.Level.LEAF)).drop("__top");
      Dataset<Row> prefixed =
          accounts.select(
              java.util.Arrays.stream(accounts.columns())
                  .map(c -> col(c).as("account__" + c))
                  .toArray(Column[]::new));
      base =
          base.join(
              prefixed,
              base.col("account_id").equalTo(prefixed.col("account__account_id")),
              "left");
    }
    base = withEvents(base, "user_id", compiler.events.get(Entity.USER), date, null);
    return base.where(compiler.compile(where, Entity.USER, "")).select("user_id");
  }

  /** days_since_created: from the created_at trait when set, else first seen. */
  public static Dataset<Row> withDaysSinceCreated(
      Dataset<Row> features, LocalDate date, List<TraitColumn> traits) {
    boolean hasCreated = traits.stream().anyMatch(t -> t.column().equals("created_at"));
    Column created =
        hasCreated
            ? coalesce(col("created_at").cast("timestamp"), col("first_seen"))
            : col("first_seen");
    return features.withColumn(
        "days_since_created", datediff(lit(Date.valueOf(date)), to_date(created)));
  }

  /**
   * account_features of D with {@code level} ({@code leaf} for rows written before levels) and
   * {@code __top}: the row a segment of level {@code any} reads (the parent row of an account that
   * has one, else its leaf row).
   */
  private Dataset<Row> accountRows(LocalDate date) {
    Dataset<Row> rows =
        warehouse
            .read(TableNames.ACCOUNT_FEATURES)
            .where(col("as_of_date").equalTo(lit(Date.valueOf(date))));
    rows = rows.withColumn("level", AccountHierarchy.levelOf(rows));
    return withDaysSinceCreated(rows, date, settings.accountTraits())
        .withColumn(
            "__top",
            col("level")
                .equalTo(lit(AccountHierarchy.PARENT))
                .or(AccountHierarchy.soleRow(col("account_id"))));
  }

  /** Joins every workspace's score columns as {@code <workspace>__<column>}. */
  private Dataset<Row> withScores(Dataset<Row> base, String table, String id, Date day) {
    Dataset<Row> scores = warehouse.read(table).where(col("as_of_date").equalTo(lit(day)));
    boolean accounts = id.equals("account_id");
    if (accounts) {
      scores = scores.withColumn("level", AccountHierarchy.levelOf(scores));
    }
    Set<String> skip =
        new java.util.HashSet<>(
            List.of("as_of_date", "workspace", id, "account_id", "total_users", "level"));
    for (String ws : settings.scoring().workspaces().stream().map(w -> w.name()).toList()) {
      Dataset<Row> one = scores.where(col("workspace").equalTo(ws));
      List<Column> cols = new ArrayList<>();
      cols.add(col(id).as("__score_id"));
      if (accounts) {
        cols.add(col("level").as("__score_level"));
      }
      for (String c : scores.columns()) {
        if (!skip.contains(c)) {
          cols.add(col(c).as(SegmentCompiler.scoreColumn(ws, c)));
        }
      }
      Dataset<Row> renamed = one.select(cols.toArray(Column[]::new));
      Column on = base.col(id).equalTo(renamed.col("__score_id"));
      if (accounts) {
        on = on.and(base.col("level").equalTo(renamed.col("__score_level")));
      }
      base = base.join(renamed, on, "left").drop("__score_id").drop("__score_level");
    }
    return base;
  }

  /**
   * Adds one column per event aggregate: counts over windows from the daily rollup, ever from the
   * totals snapshot, filtered counts from events, first / last timestamps from the totals.
   * Accounts: their users' (as of the date) events.
   */
  private Dataset<Row> withEvents(
      Dataset<Row> base,
      String id,
      Map<Cond.Event, String> events,
      LocalDate date,
      Dataset<Row> userAccount) {
    if (events.isEmpty()) {
      return base;
    }
    Date day = Date.valueOf(date);
    List<Column> rollupAggs = new ArrayList<>();
    List<Column> totalsAggs = new ArrayList<>();
    List<Cond.Event> totalsConditions = new ArrayList<>();
    List<Column> eventAggs = new ArrayList<>();
    int longest = 1;
    int longestFiltered = 0;
    for (Map.Entry<Cond.Event, String> e : events.entrySet()) {
      Cond.Event ev = e.getKey();
      Column isEvent = col("event").equalTo(lit(ev.event()));
      if (ev.occurrence().isPresent() || ev.withinDays().isEmpty()) {
        totalsConditions.add(ev);
      }
      if (ev.occurrence().isPresent()) {
        totalsAggs.add(
            ev.occurrence().get().first()
                ? min(when(isEvent, col("first_ts"))).as(e.getValue())
                : max(when(isEvent, col("last_ts"))).as(e.getValue()));
      } else if (ev.withinDays().isEmpty()) {
        totalsAggs.add(sum(when(isEvent, col("event_count"))).as(e.getValue()));
      } else if (ev.where().isEmpty()) {
        int n = ev.withinDays().get();
        longest = Math.max(longest, n);
        rollupAggs.add(
            sum(when(
                    isEvent.and(
                        col("activity_date").geq(lit(Date.valueOf(date.minusDays(n - 1L))))),
                    col("event_count")))
                .as(e.getValue()));
      } else {
        int n = ev.withinDays().get();
        longestFiltered = Math.max(longestFiltered, n);
        Column match =
            isEvent.and(col("event_date").geq(lit(Date.valueOf(date.minusDays(n - 1L)))));
        for (Cond.PropertyFilter f : ev.where()) {
          match = match.and(propertyFilter(f));
        }
        eventAggs.add(sum(when(match, lit(1L))).as(e.getValue()));
      }
    }
    if (!rollupAggs.isEmpty()) {
      Dataset<Row> rollup =
          warehouse
              .read(TableNames.USER_DAILY_ACTIVITY)
              .where(
                  col("activity_date")
                      .between(lit(Date.valueOf(date.minusDays(longest - 1L))), lit(day)))
              .where(dev.segments.jobs.features.DailyRollup.knownOn(date));
      base = joinAggregates(base, id, rollup, rollupAggs, userAccount);
    }
    if (!totalsAggs.isEmpty()) {
      Dataset<Row> totals = totalsAsOf(date, totalsConditions);
      base = joinAggregates(base, id, totals, totalsAggs, userAccount);
    }
    if (!eventAggs.isEmpty()) {
      Dataset<Row> ev =
          warehouse
              .read(TableNames.EVENTS)
              .where(col("type").equalTo("track"))
              .where(
                  col("event_date")
                      .between(lit(Date.valueOf(date.minusDays(longestFiltered - 1L))), lit(day)))
              .where(col("ingest_date").leq(lit(day)));
      base = joinAggregates(base, id, ev, eventAggs, userAccount);
    }
    return base;
  }

  /**
   * The all-time totals as they stood on D, which "ever" and first / last occurrence conditions
   * read: D's {@code user_event_totals} snapshot, or, when it is not there (snapshots older than
   * {@code features.totals-retention-days} before the newest are removed), the same totals computed
   * from the track events ingested up to D. Both are the events known on the night of D, so a
   * rebuild of a date months back answers as its night did.
   */
  private Dataset<Row> totalsAsOf(LocalDate date, java.util.Collection<Cond.Event> conditions) {
    Date day = Date.valueOf(date);
    Dataset<Row> snapshot =
        warehouse.read(TableNames.USER_EVENT_TOTALS).where(col("as_of_date").equalTo(lit(day)));
    if (!snapshot.isEmpty()) {
      return snapshot;
    }
    List<String> events = conditions.stream().map(Cond.Event::event).distinct().sorted().toList();
    LOG.info(
        "segments {}: no user_event_totals snapshot of the date (snapshots are kept {} days,"
            + " features.totals-retention-days); the all-time conditions on {} read totals computed"
            + " from the events ingested up to {}",
        date,
        settings.features().totalsRetentionDays(),
        events,
        date);
    return dev.segments.jobs.features.DailyRollup.totals(
        java.util.Optional.empty(),
        warehouse
            .read(TableNames.EVENTS)
            .where(col("type").equalTo("track"))
            .where(col("event").isin(events.toArray()))
            .where(col("ingest_date").leq(lit(day)))
            .where(col("event_date").leq(lit(day))));
  }

  private static Column propertyFilter(Cond.PropertyFilter f) {
    return SegmentCompiler.compare(
        f.op(), element_at(col("properties"), lit(f.property())), f.values());
  }

  private static Dataset<Row> joinAggregates(
      Dataset<Row> base,
      String id,
      Dataset<Row> rows,
      List<Column> aggs,
      Dataset<Row> userAccount) {
    if (id.equals("user_id")) {
      Dataset<Row> agg =
          rows.withColumn("__k", col("user_id"))
              .where(col("__k").isNotNull())
              .groupBy("__k")
              .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
      return base.join(agg, base.col(id).equalTo(agg.col("__k")), "left").drop("__k");
    }
    // Accounts: each user's rows count under every account row the user counts in.
    Dataset<Row> agg =
        rows.join(userAccount, rows.col("user_id").equalTo(userAccount.col("__u")))
            .groupBy(col("__a").as("__k"), col("__l").as("__kl"))
            .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    return base.join(
            agg,
            base.col(id).equalTo(agg.col("__k")).and(base.col("level").equalTo(agg.col("__kl"))),
            "left")
        .drop("__k")
        .drop("__kl");
  }

  /**
   * Adds {@code __m}: the ids of the segments each row belongs to, level by level of references.
   */
  private static Dataset<Row> evaluate(
      Dataset<Row> base,
      List<SegmentDefinition> segments,
      Entity entity,
      SegmentCompiler compiler) {
    Dataset<Row> out = base.withColumn("__m", array().cast("array<string>"));
    for (List<SegmentDefinition> level : ReferenceGraph.of(segments).levels(segments)) {
      Column[] ids =
          level.stream()
              .map(
                  s -> {
                    Column c = compiler.compile(s.where(), entity, s.workspace());
                    return when(
                        entity == Entity.ACCOUNT ? levelGuard(s.level()).and(c) : c, lit(s.id()));
                  })
              .toArray(Column[]::new);
      out = out.withColumn("__m", concat(col("__m"), array_compact(array(ids))));
    }
    return out;
  }
}
