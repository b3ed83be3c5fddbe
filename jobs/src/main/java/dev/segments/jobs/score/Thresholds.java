package dev.segments.jobs.score;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.segments.common.config.Workspace;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * segment_thresholds rows: per workspace and entity, the distribution of every score measure
 * ({@code band} null) and the bounds of every suggested band used that day ({@code band} set).
 */
final class Thresholds {

  static final double[] QUANTILES = {0.10, 0.20, 0.25, 0.50, 0.75, 0.80, 0.90};

  static final List<String> USER_METRICS =
      List.of(
          "raw_score",
          "engagement_score",
          "frequency",
          "breadth",
          "activation_progress",
          "score_change");
  static final List<String> ACCOUNT_METRICS =
      List.of(
          "raw_score",
          "engagement_score",
          "frequency",
          "breadth",
          "activation_progress",
          "score_change",
          "avg_user_score",
          "active_user_pct",
          "adoption");

  static final StructType SCHEMA =
      new StructType()
          .add("as_of_date", DataTypes.DateType, false)
          .add("workspace", DataTypes.StringType, false)
          .add("entity", DataTypes.StringType, false)
          .add("metric", DataTypes.StringType, false)
          .add("band", DataTypes.StringType, true)
          .add("entities", DataTypes.LongType, true)
          .add("min", DataTypes.DoubleType, true)
          .add("p10", DataTypes.DoubleType, true)
          .add("p20", DataTypes.DoubleType, true)
          .add("p25", DataTypes.DoubleType, true)
          .add("p50", DataTypes.DoubleType, true)
          .add("p75", DataTypes.DoubleType, true)
          .add("p80", DataTypes.DoubleType, true)
          .add("p90", DataTypes.DoubleType, true)
          .add("max", DataTypes.DoubleType, true)
          .add("mean", DataTypes.DoubleType, true)
          .add("benchmark", DataTypes.DoubleType, true)
          .add("lower_bound", DataTypes.DoubleType, true)
          .add("upper_bound", DataTypes.DoubleType, true);

  private Thresholds() {}

  /** One metric's distribution: count of non-null values, min, the quantiles, max, mean. */
  record Distribution(long count, Double min, Double[] quantiles, Double max, Double mean) {}

  /**
   * @param positiveScoreQuartiles p25, p50, p75 of the positive engagement scores (null if none)
   */
  record Stats(
      long entities,
      long active,
      Map<String, Distribution> metrics,
      Double[] positiveScoreQuartiles) {}

  /** All distributions of one workspace and entity in one aggregation. */
  static Stats stats(Dataset<Row> scores, List<String> metrics, int accuracy) {
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)).as("entities"));
    aggs.add(sum(when(col("active"), lit(1L)).otherwise(lit(0L))).as("active_entities"));
    Column quantiles =
        org.apache.spark.sql.functions.array(
            java.util.Arrays.stream(QUANTILES)
                .mapToObj(org.apache.spark.sql.functions::lit)
                .toArray(Column[]::new));
    for (String m : metrics) {
      Column v = col(m).cast("double");
      aggs.add(count(v).as(m + "__n"));
      aggs.add(min(v).as(m + "__min"));
      aggs.add(percentile_approx(v, quantiles, lit(accuracy)).as(m + "__q"));
      aggs.add(max(v).as(m + "__max"));
      // Summed as decimals: a double sum depends on the order rows arrive in (partitioning), and
      // a rerun, a cluster run and a full recompute must give the same mean to the last bit.
      aggs.add(avg(col(m).cast("decimal(30,10)")).cast("double").as(m + "__mean"));
    }
    Column positive = when(col("engagement_score").gt(0), col("engagement_score").cast("double"));
    aggs.add(
        percentile_approx(
                positive,
                org.apache.spark.sql.functions.array(lit(0.25), lit(0.5), lit(0.75)),
                lit(accuracy))
            .as("positive__q"));
    Row r = scores.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
    Map<String, Distribution> out = new LinkedHashMap<>();
    for (String m : metrics) {
      long n = r.getLong(r.fieldIndex(m + "__n"));
      out.put(
          m,
          new Distribution(
              n,
              doubleOrNull(r, m + "__min"),
              doubles(r, m + "__q", QUANTILES.length),
              doubleOrNull(r, m + "__max"),
              doubleOrNull(r, m + "__mean")));
    }
    long active = r.isNullAt(1) ? 0 : r.getLong(1);
    return new Stats(r.getLong(0), active, out, doubles(r, "positive__q", 3));
  }

  /** The distribution rows and the band rows of one workspace and entity. */
  static List<Row> rows(
      LocalDate date, Workspace ws, String entity, Stats stats, Double benchmark) {
    Date day = Date.valueOf(date);
    List<Row> rows = new ArrayList<>();
    stats
        .metrics()
        .forEach(
            (metric, d) -> {
              Values v =
                  new Values()
                      .set("as_of_date", day)
                      .set("workspace", ws.name())
                      .set("entity", entity)
                      .set("metric", metric)
                      .set("band", null)
                      .set("entities", d.count())
                      .set("min", d.min());
              for (int i = 0; i < QUANTILES.length; i++) {
                v.set(QUANTILE_COLUMNS.get(i), d.quantiles()[i]);
              }
              rows.add(
                  v.set("max", d.max()).set("mean", d.mean()).set("benchmark", benchmark).row());
            });
    for (Band b : bands(ws, entity, stats)) {
      rows.add(
          new Values()
              .set("as_of_date", day)
              .set("workspace", ws.name())
              .set("entity", entity)
              .set("metric", b.metric())
              .set("band", b.band())
              .set("benchmark", benchmark)
              .set("lower_bound", b.lower())
              .set("upper_bound", b.upper())
              .row());
    }
    return rows;
  }

  /** The percentile columns, one per {@link #QUANTILES} entry. */
  static final List<String> QUANTILE_COLUMNS =
      List.of("p10", "p20", "p25", "p50", "p75", "p80", "p90");

  /** One row of {@link #SCHEMA}, filled by column name (unset columns are null). */
  private static final class Values {
    private final Object[] v = new Object[SCHEMA.size()];

    Values set(String column, Object value) {
      v[SCHEMA.fieldIndex(column)] = value;
      return this;
    }

    Row row() {
      return RowFactory.create(v);
    }
  }

  /** A suggested band: metric between lower and upper, both included; null = unbounded. */
  record Band(String band, String metric, Double lower, Double upper) {}

  /** The bands of the suggested segments of one workspace and entity on the day. */
  static List<Band> bands(Workspace ws, String entity, Stats stats) {
    Workspace.Bands b = ws.bands();
    List<Band> out = new ArrayList<>();
    double most;
    double slightly;
    double passive;
    if (b.mode() == Workspace.BandMode.FIXED) {
      most = b.mostEngaged();
      slightly = b.slightlyEngaged();
      passive = b.passive();
    } else {
      Double[] q = stats.positiveScoreQuartiles();
      // No positive score that day: the fixed bounds stand in (every band is empty anyway).
      most = q[2] == null ? b.mostEngaged() : q[2];
      slightly = q[1] == null ? b.slightlyEngaged() : q[1];
      passive = q[0] == null ? b.passive() : q[0];
    }
    out.add(new Band("most_engaged", "engagement_score", most, 100.0));
    out.add(new Band("slightly_engaged", "engagement_score", slightly, most - 1));
    out.add(new Band("passive", "engagement_score", passive, slightly - 1));
    out.add(new Band("least_engaged", "engagement_score", 1.0, passive - 1));
    out.add(new Band("red_hot", "score_change", (double) b.trendThreshold(), null));
    out.add(new Band("ice_cold", "score_change", null, (double) -b.trendThreshold()));
    out.add(new Band("new", "days_since_created", 0.0, ws.periodDays() - 1.0));
    out.add(new Band("mature", "days_since_created", b.matureDays() + 1.0, null));
    out.add(
        new Band(
            "recently_inactive",
            "days_since_last_seen",
            (double) b.recentlyInactiveFrom(),
            (double) b.recentlyInactiveTo()));
    out.add(new Band("active_today", "days_since_last_seen", 0.0, 0.0));
    if (entity.equals("account")) {
      out.add(new Band("multi_user", "active_users", (double) b.multiUserActiveUsers(), null));
    }
    return out;
  }

  private static Double doubleOrNull(Row r, String field) {
    int i = r.fieldIndex(field);
    return r.isNullAt(i) ? null : ((Number) r.get(i)).doubleValue();
  }

  private static Double[] doubles(Row r, String field, int n) {
    Double[] out = new Double[n];
    int i = r.fieldIndex(field);
    if (!r.isNullAt(i)) {
      List<Object> values = r.getList(i);
      for (int k = 0; k < n; k++) {
        out[k] = values.get(k) == null ? null : ((Number) values.get(k)).doubleValue();
      }
    }
    return out;
  }
}
