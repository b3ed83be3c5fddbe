package dev.segments.jobs.summary;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.segments.common.tables.TableNames;
import dev.segments.common.tables.Warehouse;
import java.io.PrintStream;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** What the warehouse holds, for people: table sizes, rejections, top events, sample features. */
public final class WarehouseSummary {
  private final Warehouse warehouse;

  public WarehouseSummary(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /** Prints to standard output (Dataset.show writes there, so everything here does too). */
  public void print(Optional<LocalDate> asOf) {
    PrintStream out = System.out;
    out.println("== Tables in " + warehouse.root() + " (all dates)");
    for (String table : TableNames.ALL) {
      out.printf(
          "  %-22s %s%n",
          table,
          warehouse.exists(table)
              ? String.format("%,d rows", warehouse.read(table).count())
              : "(not written yet)");
    }
    if (!warehouse.exists(TableNames.USER_FEATURES)) {
      out.println("No features yet: run segments run --date D first.");
      return;
    }
    LocalDate date =
        asOf.orElseGet(
            () ->
                warehouse
                    .read(TableNames.USER_FEATURES)
                    .agg(max("as_of_date").as("last"))
                    .first()
                    .<Date>getAs("last")
                    .toLocalDate());
    Date day = Date.valueOf(date);

    out.println();
    // With --date, every section shows the warehouse as of that date.
    Column ingestedByThen = asOf.isPresent() ? col("ingest_date").leq(lit(day)) : lit(true);
    out.println(
        "== Ingest runs "
            + (asOf.isPresent() ? "to " + date + " " : "")
            + "(read = accepted + duplicates + rejected)");
    warehouse
        .read(TableNames.INGEST_RUNS)
        .where(ingestedByThen)
        .agg(
            count(lit(1)).as("days"),
            sum("read").as("read"),
            sum("accepted").as("accepted"),
            sum("duplicates").as("duplicates"),
            sum("rejected").as("rejected"))
        .show(5, false);
    out.println(
        "== Rejected rows by reason ("
            + (asOf.isPresent() ? "input days to " + date : "all days")
            + ")");
    warehouse
        .read(TableNames.EVENTS_REJECTED)
        .where(ingestedByThen)
        .groupBy("reason")
        .count()
        .orderBy(desc("count"), col("reason"))
        .show(20, false);

    out.println("== Top events, 30 days to " + date);
    warehouse
        .read(TableNames.USER_DAILY_ACTIVITY)
        .where(col("activity_date").between(lit(Date.valueOf(date.minusDays(29))), lit(day)))
        .where(dev.segments.jobs.features.DailyRollup.knownOn(date))
        .groupBy("event")
        .agg(sum("event_count").as("events"))
        .orderBy(desc("events"), col("event"))
        .show(10, false);

    Dataset<Row> users =
        warehouse.read(TableNames.USER_FEATURES).where(col("as_of_date").equalTo(lit(day)));
    out.println("== Users on " + date + " (most events in 30 days first)");
    users
        .select(
            existing(
                users,
                "user_id",
                "account_id",
                "role",
                "first_seen",
                "last_seen",
                "days_since_last_seen",
                "active_days_7d",
                "active_days_30d",
                "total_events_30d",
                "total_events_all_time"))
        .orderBy(desc("total_events_30d"), col("user_id"))
        .show(5, false);
    Dataset<Row> accounts =
        leafRows(
            warehouse.read(TableNames.ACCOUNT_FEATURES).where(col("as_of_date").equalTo(lit(day))));
    out.println("== Accounts on " + date + " (most users first)");
    accounts
        .select(
            existing(
                accounts,
                "account_id",
                "plan",
                "member_users",
                "total_users",
                "active_users_7d",
                "active_users_30d",
                "total_events_30d",
                "days_since_last_seen"))
        .orderBy(desc("member_users"), col("account_id"))
        .show(5, false);

    if (!warehouse.exists(TableNames.USER_SCORES)) {
      return;
    }
    for (String entity : List.of("user", "account")) {
      Dataset<Row> scores =
          warehouse
              .read(entity.equals("user") ? TableNames.USER_SCORES : TableNames.ACCOUNT_SCORES)
              .where(col("as_of_date").equalTo(lit(day)));
      if (entity.equals("account")) {
        scores = leafRows(scores);
      }
      out.println(
          "== "
              + (entity.equals("user") ? "User" : "Account")
              + " engagement scores on "
              + date
              + ": how many in each band of 10 (0 = no scored event in the period)");
      Column band =
          when(col("engagement_score").equalTo(0), lit("0"))
              .otherwise(
                  concat(
                      floor(col("engagement_score").minus(1).divide(10))
                          .multiply(10)
                          .plus(1)
                          .cast("string"),
                      lit("-"),
                      floor(col("engagement_score").minus(1).divide(10))
                          .multiply(10)
                          .plus(10)
                          .cast("string")));
      scores
          .groupBy(col("workspace"), band.as("score"))
          .agg(
              org.apache.spark.sql.functions.min("engagement_score").as("low"),
              count(lit(1)).as(entity + "s"),
              round(avg("raw_score"), 1).as("avg_raw"),
              round(avg("activation_progress"), 1).as("avg_activation"),
              sum(when(col("trend").equalTo("red_hot"), 1).otherwise(0)).as("red_hot"),
              sum(when(col("trend").equalTo("ice_cold"), 1).otherwise(0)).as("ice_cold"))
          .orderBy(col("workspace"), col("low"))
          .drop("low")
          .show(30, false);
    }
    Dataset<Row> thresholds =
        warehouse.read(TableNames.SEGMENT_THRESHOLDS).where(col("as_of_date").equalTo(lit(day)));
    out.println(
        "== Score distributions on "
            + date
            + " (segment_thresholds; benchmark = p90 of positive raw scores)");
    thresholds
        .where(
            col("band")
                .isNull()
                .and(col("metric").isin("raw_score", "engagement_score", "activation_progress")))
        .select(
            "workspace",
            "entity",
            "metric",
            "entities",
            "min",
            "p10",
            "p25",
            "p50",
            "p75",
            "p90",
            "max",
            "mean",
            "benchmark")
        .withColumn("mean", round(col("mean"), 1))
        .orderBy("workspace", "entity", "metric")
        .show(30, false);
    out.println("== Suggested-segment bands on " + date + " (bounds included; null = open)");
    thresholds
        .where(col("band").isNotNull())
        .select("workspace", "entity", "band", "metric", "lower_bound", "upper_bound")
        .orderBy("workspace", "entity", "metric", "band")
        .show(60, false);

    if (!warehouse.exists(TableNames.SEGMENT_SIZES)) {
      return;
    }
    // The date's segments (or, without --date, the latest); the latest run on or before it.
    Date last =
        warehouse
            .read(TableNames.SEGMENT_SIZES)
            .where(col("as_of_date").leq(lit(day)))
            .agg(max("as_of_date").as("last"))
            .first()
            .getAs("last");
    if (last == null) {
      out.println("== No segments on or before " + date);
      return;
    }
    out.println(
        "== Segments on " + last + ": members, entered and exited since the previous run date");
    Dataset<Row> sizes =
        warehouse.read(TableNames.SEGMENT_SIZES).where(col("as_of_date").equalTo(lit(last)));
    sizes
        .join(
            warehouse
                .read(TableNames.SEGMENT_DEFINITIONS)
                .select(col("segment_id"), col("kind"), col("name")),
            "segment_id")
        .select("segment_id", "entity", "kind", "members", "entered", "exited", "name")
        .orderBy(col("entity").desc(), col("kind"), col("segment_id"))
        .show(200, false);
  }

  /** The named columns the table has (windows and traits are configurable). */
  private static Column[] existing(Dataset<Row> table, String... names) {
    List<String> have = Arrays.asList(table.columns());
    return Arrays.stream(names)
        .filter(have::contains)
        .map(org.apache.spark.sql.functions::col)
        .toArray(Column[]::new);
  }

  /** The rows of each account on its own (account tables also hold parent rows). */
  private static Dataset<Row> leafRows(Dataset<Row> rows) {
    return rows.where(
        dev.segments.jobs.features.AccountHierarchy.levelOf(rows)
            .equalTo(dev.segments.jobs.features.AccountHierarchy.LEAF));
  }
}
