package dev.segments.jobs.segments;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.to_date;

import dev.segments.common.segments.Cond;
import dev.segments.common.segments.Cond.FieldOp;
import dev.segments.common.segments.CondVisitor;
import dev.segments.common.segments.FieldCatalog;
import dev.segments.common.segments.SegmentDefinition.Entity;
import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * Compiles condition trees to Spark columns over an entity's base frame (see {@link
 * SegmentsEvaluator}). Values are always literals. Every compiled column is true or false, never
 * null.
 *
 * <p>Base frame columns: the feature table's columns; {@code days_since_created}; score columns of
 * workspace W as {@code W__<column>}; for users, the account's columns as {@code
 * account__<column>}; event aggregates as {@code ev_<n>}; user aggregates as {@code ua_<n>} and
 * {@code ua_total}; memberships computed so far as the array {@code __m}.
 */
public final class SegmentCompiler {

  /** A band's bounds on the day: metric between lower and upper (null = open). */
  record Bounds(String metric, Double lower, Double upper) {}

  private final LocalDate date;
  private final Map<String, Bounds> bands;

  /** Event conditions (without their count comparison) → column name, per entity. */
  final Map<Entity, Map<Cond.Event, String>> events = new LinkedHashMap<>();

  /** User aggregates → column name. */
  final Map<Cond.UserAggregate, String> aggregates = new LinkedHashMap<>();

  /** User aggregates → the workspace of the segment they are in (for score fields). */
  final Map<Cond.UserAggregate, String> aggregateWorkspaces = new LinkedHashMap<>();

  public SegmentCompiler(LocalDate date, Map<String, Bounds> bands) {
    this.date = date;
    this.bands = bands;
    events.put(Entity.USER, new LinkedHashMap<>());
    events.put(Entity.ACCOUNT, new LinkedHashMap<>());
  }

  static String bandKey(String workspace, Entity entity, String band) {
    return workspace + "/" + entity.key + "/" + band;
  }

  /**
   * The event aggregate a condition needs (count, or first / last timestamp), without the
   * comparison.
   */
  static Cond.Event aggregateOf(Cond.Event e) {
    return e.occurrence().isPresent()
        ? new Cond.Event(
            e.event(),
            Cond.CountOp.AT_LEAST,
            0,
            java.util.Optional.empty(),
            List.of(),
            java.util.Optional.of(
                new Cond.Occurrence(e.occurrence().get().first(), FieldOp.IS_SET, 0)))
        : new Cond.Event(
            e.event(),
            Cond.CountOp.AT_LEAST,
            0,
            e.withinDays(),
            e.where(),
            java.util.Optional.empty());
  }

  /** Registers every event condition and user aggregate of a tree (before the frames are built). */
  void register(Cond c, Entity entity, String workspace) {
    c.accept(
        new CondVisitor.Walk<Void>() {
          @Override
          protected Void leaf(Cond n) {
            return null;
          }

          @Override
          protected Void combine(Void a, Void b) {
            return null;
          }

          @Override
          public Void event(Cond.Event e) {
            Cond.Event key = aggregateOf(e);
            if (!events.get(entity).containsKey(key)) {
              events
                  .get(entity)
                  .put(
                      key,
                      "ev_" + (events.get(Entity.USER).size() + events.get(Entity.ACCOUNT).size()));
            }
            return null;
          }

          @Override
          public Void userAggregate(Cond.UserAggregate u) {
            register(u.users(), Entity.USER, workspace);
            if (!aggregates.containsKey(u)) {
              aggregates.put(u, "ua_" + aggregates.size());
              aggregateWorkspaces.put(u, workspace);
            }
            return null;
          }
        });
  }

  /** The tree as a column over the entity's base frame: true or false, never null. */
  public Column compile(Cond c, Entity entity, String workspace) {
    Column result =
        c.accept(
            new CondVisitor<Column>() {
              @Override
              public Column all(Cond.All a) {
                return a.items().stream()
                    .map(i -> compile(i, entity, workspace))
                    .reduce(Column::and)
                    .orElse(lit(true));
              }

              @Override
              public Column any(Cond.Any a) {
                return a.items().stream()
                    .map(i -> compile(i, entity, workspace))
                    .reduce(Column::or)
                    .orElse(lit(false));
              }

              @Override
              public Column not(Cond.Not n) {
                return functions.not(compile(n.item(), entity, workspace));
              }

              @Override
              public Column field(Cond.Field f) {
                return SegmentCompiler.this.field(f, entity, workspace);
              }

              @Override
              public Column event(Cond.Event e) {
                return SegmentCompiler.this.event(e, entity);
              }

              @Override
              public Column segmentRef(Cond.SegmentRef r) {
                Column in = array_contains(col("__m"), r.segment());
                return r.member() ? in : functions.not(in);
              }

              @Override
              public Column userAggregate(Cond.UserAggregate u) {
                return aggregate(u);
              }

              @Override
              public Column band(Cond.Band b) {
                return SegmentCompiler.this.band(b, entity);
              }

              @Override
              public Column always(Cond.True t) {
                return lit(true);
              }
            });
    return coalesce(result, lit(false));
  }

  /** The base-frame column of a field of the entity (score fields from the workspace). */
  static Column fieldColumn(String field, Entity entity, String workspace) {
    if (field.startsWith("account.")) {
      return fieldColumn(
          field.substring("account.".length()), Entity.ACCOUNT, workspace, "account__");
    }
    return fieldColumn(field, entity, workspace, "");
  }

  private static Column fieldColumn(String field, Entity entity, String workspace, String prefix) {
    if (field.startsWith("traits.")) {
      return element_at(col(prefix + "traits"), lit(field.substring("traits.".length())));
    }
    if (FieldCatalog.isScoreField(entity, field)) {
      return col(prefix + scoreColumn(workspace, field));
    }
    return col(prefix + field);
  }

  static String scoreColumn(String workspace, String field) {
    return workspace + "__" + field;
  }

  private Column field(Cond.Field f, Entity entity, String workspace) {
    Column v = fieldColumn(f.field(), entity, workspace);
    List<Object> x = f.values();
    boolean timestamp =
        (!x.isEmpty() && x.get(0) instanceof String && isTimestampField(f))
            || f.op() == FieldOp.MORE_THAN_DAYS_AGO
            || f.op() == FieldOp.WITHIN_DAYS;
    if (timestamp && f.op() != FieldOp.MORE_THAN_DAYS_AGO && f.op() != FieldOp.WITHIN_DAYS) {
      // Timestamps compare by UTC day with the given dates.
      v = to_date(v);
      x =
          x.stream()
              .map(o -> (Object) Date.valueOf(LocalDate.parse(((String) o).substring(0, 10))))
              .toList();
    }
    return switch (f.op()) {
      case MORE_THAN_DAYS_AGO -> daysAgo(v).gt(f.days());
      case WITHIN_DAYS -> daysAgo(v).between(0, f.days() - 1);
      case CONTAINS ->
          f.field().equals("activation_steps_done")
              ? array_contains(v, x.get(0))
              : compare(f.op(), v, x);
      default -> compare(f.op(), v, x);
    };
  }

  private boolean isTimestampField(Cond.Field f) {
    String bare =
        f.field().startsWith("account.") ? f.field().substring("account.".length()) : f.field();
    return timestampFields.contains(bare);
  }

  /**
   * Timestamp fields (first_seen, last_seen, timestamp traits), set by the job from the catalog.
   */
  public java.util.Set<String> timestampFields = java.util.Set.of("first_seen", "last_seen");

  /**
   * A comparison operator of the segment language applied to a column and literal values (the
   * timing operators are {@link #field}'s). Never null: a missing value (null) matches only {@code
   * !=}, {@code not_in} and {@code is_not_set}.
   */
  static Column compare(FieldOp op, Column value, List<Object> v) {
    Column result =
        switch (op) {
          case EQ -> value.equalTo(lit(v.get(0)));
          case NE -> coalesce(value.notEqual(lit(v.get(0))), lit(true));
          case LT -> value.lt(lit(v.get(0)));
          case LE -> value.leq(lit(v.get(0)));
          case GT -> value.gt(lit(v.get(0)));
          case GE -> value.geq(lit(v.get(0)));
          case BETWEEN -> value.between(lit(v.get(0)), lit(v.get(1)));
          case IN -> value.isin(v.toArray());
          case NOT_IN -> coalesce(not(value.isin(v.toArray())), lit(true));
          case CONTAINS -> value.cast("string").contains(lit(String.valueOf(v.get(0))));
          case STARTS_WITH -> value.cast("string").startsWith(lit(String.valueOf(v.get(0))));
          case IS_SET -> value.isNotNull();
          case IS_NOT_SET -> value.isNull();
          case MORE_THAN_DAYS_AGO, WITHIN_DAYS ->
              throw new IllegalArgumentException(op.symbol + " is not a comparison");
        };
    return coalesce(result, lit(false));
  }

  private Column daysAgo(Column timestamp) {
    return datediff(lit(Date.valueOf(date)), to_date(timestamp));
  }

  private Column event(Cond.Event e, Entity entity) {
    Column v = col(events.get(entity).get(aggregateOf(e)));
    if (e.occurrence().isPresent()) {
      Cond.Occurrence o = e.occurrence().get();
      return o.op() == FieldOp.MORE_THAN_DAYS_AGO
          ? daysAgo(v).gt(o.days())
          : daysAgo(v).between(0, o.days() - 1);
    }
    Column n = coalesce(v, lit(0L));
    return switch (e.countOp()) {
      case AT_LEAST -> n.geq(e.count());
      case AT_MOST -> n.leq(e.count());
      case EXACTLY -> n.equalTo(e.count());
    };
  }

  private Column aggregate(Cond.UserAggregate u) {
    Column matching = coalesce(col(aggregates.get(u)), lit(0L));
    Column total = coalesce(col("ua_total"), lit(0L));
    return switch (u.kind()) {
      case COUNT -> compare(matching, u.op(), u.value());
      case SHARE ->
          total.gt(0).and(compare(matching.multiply(100.0).divide(total), u.op(), u.value()));
      case ANY -> matching.gt(0);
      case ALL -> total.gt(0).and(matching.equalTo(total));
      case NONE -> matching.equalTo(0);
    };
  }

  private static Column compare(Column v, FieldOp op, double value) {
    return switch (op) {
      case EQ -> v.equalTo(value);
      case NE -> v.notEqual(value);
      case LT -> v.lt(value);
      case LE -> v.leq(value);
      case GT -> v.gt(value);
      case GE -> v.geq(value);
      default -> throw new IllegalArgumentException("not a comparison: " + op);
    };
  }

  private Column band(Cond.Band b, Entity entity) {
    Bounds bounds = bands.get(bandKey(b.workspace(), entity, b.band()));
    if (bounds == null) {
      throw new IllegalStateException(
          "segment_thresholds has no band "
              + bandKey(b.workspace(), entity, b.band())
              + " on "
              + date
              + ": run segments score --date "
              + date
              + " first");
    }
    Column v = bandMetric(bounds, b.workspace());
    Column in = lit(true);
    if (bounds.lower() != null) {
      in = in.and(v.geq(bounds.lower()));
    }
    if (bounds.upper() != null) {
      in = in.and(v.leq(bounds.upper()));
    }
    return v.isNotNull().and(in);
  }

  /** A band's bounds on the day, or null when segment_thresholds has none. */
  Bounds bounds(Cond.Band b, Entity entity) {
    return bands.get(bandKey(b.workspace(), entity, b.band()));
  }

  /** The base-frame column a band's metric reads. */
  static Column bandMetric(Bounds bounds, String workspace) {
    return switch (bounds.metric()) {
      case "days_since_created", "days_since_last_seen" -> col(bounds.metric());
      default -> col(scoreColumn(workspace, bounds.metric()));
    };
  }

  /** Days from a timestamp column's UTC date to the date (0 = on the date). */
  Column daysBefore(Column timestamp) {
    return daysAgo(timestamp);
  }

  /** The base-frame column of an event condition's aggregate (a count, or a first / last time). */
  Column eventColumn(Cond.Event e, Entity entity) {
    return col(events.get(entity).get(aggregateOf(e)));
  }

  /** The base-frame column of a user aggregate's matching users. */
  Column aggregateColumn(Cond.UserAggregate u) {
    return col(aggregates.get(u));
  }
}
