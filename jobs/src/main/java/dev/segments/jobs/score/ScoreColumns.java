package dev.segments.jobs.score;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.map_contains_key;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.map_keys;
import static org.apache.spark.sql.functions.map_values;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import dev.segments.common.config.ActivationStep;
import dev.segments.common.config.Workspace;
import dev.segments.common.segments.SegmentDefinition.Entity;
import dev.segments.jobs.features.WindowAggregates;
import dev.segments.jobs.segments.SegmentCompiler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;

/** The score measures of one workspace as Spark columns over a feature table's row. */
final class ScoreColumns {

  private static final double LN10 = Math.log(10);

  private final Workspace ws;
  private final Map<String, Double> multipliers;
  private final Map<String, String> featureOfEvent;

  ScoreColumns(Workspace ws) {
    this.ws = ws;
    this.multipliers = ws.eventMultipliers();
    this.featureOfEvent = ws.eventFeatures();
  }

  /** Per-event counts of the scoring period (a map column of the feature tables). */
  Column periodCounts() {
    return col(WindowAggregates.eventCounts(ws.periodDays()));
  }

  /** Σ count × importance × weight over the scored events of {@code counts}. */
  Column rawScore(Column counts) {
    if (ws.scoresEveryEvent()) {
      return aggregate(map_values(counts), lit(0.0), (acc, x) -> acc.plus(x));
    }
    if (multipliers.isEmpty()) {
      return lit(0.0);
    }
    Column weights = literalMap(multipliers);
    return aggregate(
        map_entries(counts),
        lit(0.0),
        (acc, e) ->
            acc.plus(
                e.getField("value")
                    .multiply(coalesce(element_at(weights, e.getField("key")), lit(0.0)))));
  }

  /** The scored events among the keys of {@code counts}. */
  Column scoredEvents(Column counts) {
    if (ws.scoresEveryEvent()) {
      return map_keys(counts);
    }
    if (multipliers.isEmpty()) {
      return emptyStrings();
    }
    Column weights = literalMap(multipliers);
    return filter(map_keys(counts), k -> map_contains_key(weights, k));
  }

  /** The features of the given scored events, distinct. */
  Column featuresUsed(Column scoredEvents) {
    if (ws.scoresEveryEvent()) {
      return when(size(scoredEvents).gt(0), array(lit("all"))).otherwise(emptyStrings());
    }
    if (featureOfEvent.isEmpty()) {
      return emptyStrings();
    }
    Column features = literalMap(featureOfEvent);
    return array_distinct(transform(scoredEvents, k -> element_at(features, k)));
  }

  /** How many features breadth divides by. */
  long featureCount() {
    return ws.scoresEveryEvent() ? 1 : ws.scoredFeatureCount();
  }

  /** 100 × part / whole, one decimal; 0 when whole is 0. */
  static Column share(Column part, long whole) {
    return whole == 0 ? lit(0.0) : round(part.cast("double").multiply(100.0).divide(whole), 1);
  }

  /**
   * Whether each step is done, in step order, over the entity's feature rows; conditions compiled
   * by the segment compiler.
   */
  static List<Column> stepsDone(
      List<ActivationStep> steps, SegmentCompiler conditions, Entity entity) {
    List<Column> out = new ArrayList<>();
    for (ActivationStep s : steps) {
      Column done =
          switch (s.kind()) {
            case EVENT ->
                coalesce(
                        element_at(
                            col(
                                s.withinDays()
                                    .map(WindowAggregates::eventCounts)
                                    .orElse("event_counts_all_time")),
                            lit(s.event())),
                        lit(0L))
                    .geq(lit(s.atLeast()));
            case ACTIVE_DAYS ->
                coalesce(col(WindowAggregates.activeDays(s.withinDays().orElseThrow())), lit(0L))
                    .geq(lit(s.atLeast()));
            case TRAIT -> conditions.compile(s.condition().orElseThrow(), entity, "");
          };
      out.add(done);
    }
    return out;
  }

  /** activation_progress, activation_steps_done and activated, from {@link #stepsDone}. */
  static List<Column> activation(List<ActivationStep> steps, List<Column> done) {
    if (steps.isEmpty()) {
      return List.of(
          lit(null).cast("double").as("activation_progress"),
          emptyStrings().as("activation_steps_done"),
          lit(null).cast("boolean").as("activated"));
    }
    Column count = lit(0);
    List<Column> names = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      count = count.plus(when(done.get(i), lit(1)).otherwise(lit(0)));
      names.add(when(done.get(i), lit(steps.get(i).name())));
    }
    return List.of(
        share(count, steps.size()).as("activation_progress"),
        array_compact(array(names.toArray(Column[]::new))).as("activation_steps_done"),
        count.equalTo(lit(steps.size())).as("activated"));
  }

  /** engagement_score from raw_score and the day's benchmark (null when nobody scored above 0). */
  Column engagement(Column raw, Double benchmark) {
    if (benchmark == null || benchmark <= 0) {
      return lit(0);
    }
    Column scaled =
        ws.normalization() == Workspace.Normalization.EXPONENTIAL
            ? lit(100.0)
                .multiply(lit(1.0).minus(exp(lit(-LN10).multiply(raw).divide(lit(benchmark)))))
            : lit(100.0).multiply(raw).divide(lit(benchmark));
    Column score = least(lit(100), greatest(lit(1), round(scaled).cast("int")));
    return when(raw.leq(0), lit(0)).otherwise(score).cast("int");
  }

  /** red_hot / ice_cold / steady from score_change; null when there is no earlier score. */
  Column trend(Column change) {
    int t = ws.bands().trendThreshold();
    return when(change.isNull(), lit(null).cast("string"))
        .when(change.geq(t), lit("red_hot"))
        .when(change.leq(-t), lit("ice_cold"))
        .otherwise(lit("steady"));
  }

  static Column emptyStrings() {
    return array().cast("array<string>");
  }

  private static Column literalMap(Map<String, ?> values) {
    List<Column> kv = new ArrayList<>();
    values.forEach(
        (k, v) -> {
          kv.add(lit(k));
          kv.add(lit(v));
        });
    return map(kv.toArray(Column[]::new));
  }
}
