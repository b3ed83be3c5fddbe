package dev.segments.jobs.segments;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.segments.jobs.features.AccountHierarchy;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code segment_metrics} of one date: every segment's members joined once with the day's user and
 * account scores of every workspace, and one aggregation by segment and workspace (no scan per
 * segment). Percentiles are exact ({@code percentile}: the scores are integers 0–100, so its
 * per-group state is at most 101 counts) and means are summed as decimals, so a rerun gives the
 * same values to the last bit whatever the partitioning.
 */
final class SegmentMetrics {
  private SegmentMetrics() {}

  /**
   * @param members {@code (segment_id, entity, entity_id)} of the day
   * @param sizes {@code segment_sizes} rows of the day (every defined segment, empty ones too)
   * @param userScores {@code user_scores} rows of the day
   * @param accountScores {@code account_scores} rows of the day
   * @param workspaces the configured workspaces' names
   */
  static Dataset<Row> of(
      SparkSession spark,
      Dataset<Row> members,
      java.util.Map<String, String> levels,
      Dataset<Row> sizes,
      Dataset<Row> userScores,
      Dataset<Row> accountScores,
      List<String> workspaces,
      Date day) {
    Dataset<Row> scores =
        measures(userScores, "user", "user_id", false)
            .unionByName(measures(accountScores, "account", "account_id", true));
    // Each member's score row: a user's; an account's of its segment's level (any: the parent
    // row of an account that has one).
    Dataset<Row> wanted =
        spark.createDataFrame(
            levels.entrySet().stream()
                .map(e -> RowFactory.create(e.getKey(), e.getValue()))
                .toList(),
            new StructType()
                .add("segment_id", DataTypes.StringType, false)
                .add("__want", DataTypes.StringType, false));
    Column rowMatches =
        col("entity")
            .equalTo(lit("user"))
            .or(
                col("__want")
                    .equalTo(col("level"))
                    .or(col("__want").equalTo(lit("any")).and(col("__top"))));
    Column scored = count(lit(1));
    Dataset<Row> measured =
        members
            .join(wanted, new String[] {"segment_id"}, "left")
            .join(scores, new String[] {"entity", "entity_id"})
            .where(rowMatches)
            .groupBy("segment_id", "workspace")
            .agg(
                scored.as("scored"),
                mean("engagement_score").as("engagement_score_mean"),
                percentile(col("engagement_score"), array(lit(0.5), lit(0.9))).as("__p"),
                share("active").as("share_active"),
                mean("activation_progress").as("activation_progress_mean"),
                share("activated").as("share_activated"),
                mean("score_change").as("score_change_mean"),
                sum(when(col("trend").equalTo("red_hot"), lit(1L)).otherwise(lit(0L)))
                    .as("red_hot"),
                sum(when(col("trend").equalTo("ice_cold"), lit(1L)).otherwise(lit(0L)))
                    .as("ice_cold"),
                sum("total_users").as("total_users"),
                sum("active_users").as("active_users"));
    Dataset<Row> names =
        spark.createDataFrame(
            workspaces.stream().map(w -> RowFactory.create(w)).toList(),
            new StructType().add("workspace", DataTypes.StringType, false));
    return sizes
        .crossJoin(names)
        .join(measured, new String[] {"segment_id", "workspace"}, "left")
        .select(
            lit(day).as("as_of_date"),
            col("segment_id"),
            col("entity"),
            col("workspace"),
            col("members"),
            col("entered"),
            col("exited"),
            coalesce(col("scored"), lit(0L)).as("scored"),
            col("engagement_score_mean"),
            col("__p").getItem(0).as("engagement_score_p50"),
            col("__p").getItem(1).as("engagement_score_p90"),
            col("share_active"),
            col("activation_progress_mean"),
            col("share_activated"),
            col("score_change_mean"),
            coalesce(col("red_hot"), lit(0L)).as("red_hot"),
            coalesce(col("ice_cold"), lit(0L)).as("ice_cold"),
            // Account segments: 0 users when no member is scored; user segments: null.
            when(col("entity").equalTo("account"), coalesce(col("total_users"), lit(0L)))
                .as("total_users"),
            when(col("entity").equalTo("account"), coalesce(col("active_users"), lit(0L)))
                .as("active_users"));
  }

  /** The columns measured, the same for users and accounts (account user counts null for users). */
  private static Dataset<Row> measures(
      Dataset<Row> scores, String entity, String id, boolean accounts) {
    Column level = accounts ? AccountHierarchy.levelOf(scores) : lit("leaf");
    Column top =
        level
            .equalTo(lit(AccountHierarchy.PARENT))
            .or(AccountHierarchy.soleRow(col("workspace"), col(id)));
    return scores.select(
        lit(entity).as("entity"),
        col(id).as("entity_id"),
        level.as("level"),
        top.as("__top"),
        col("workspace"),
        col("engagement_score"),
        col("active"),
        col("activation_progress"),
        col("activated"),
        col("score_change"),
        col("trend"),
        accounts ? col("total_users") : lit(null).cast("long").as("total_users"),
        accounts ? col("active_users") : lit(null).cast("long").as("active_users"));
  }

  private static Column mean(String column) {
    return avg(col(column).cast("decimal(30,10)")).cast("double");
  }

  /** Share (0–1) of the group's rows where the boolean column is true. */
  private static Column share(String column) {
    return sum(when(col(column), lit(1L)).otherwise(lit(0L)))
        .cast("double")
        .divide(count(lit(1)).cast("double"));
  }
}
