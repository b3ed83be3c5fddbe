package dev.segments.jobs.segments;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.segments.common.UserError;
import dev.segments.common.segments.Cond;
import dev.segments.common.segments.Cond.FieldOp;
import dev.segments.common.segments.CondVisitor;
import dev.segments.common.segments.SegmentDefinition;
import dev.segments.common.segments.SegmentDefinition.Entity;
import dev.segments.common.tables.TableNames;
import dev.segments.jobs.pipeline.StageContext;
import dev.segments.jobs.pipeline.WithStageContext;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Why an entity is or is not in a segment on a date ({@code segments explain}): the definition tree
 * with, at every node, the values read for the entity and the node's result, evaluated on the
 * stored tables of the date by the same compiler as the segments stage; for user aggregates the
 * account's users that matched; for references the referenced segment's answer.
 */
public final class Explainer extends WithStageContext {

  /**
   * One node of the explained tree.
   *
   * @param condition the node as text (the segment language's words)
   * @param result "true", "false", or "null" for a leaf whose value is not set (which counts as
   *     false, docs/segments.md "Missing values")
   * @param values what the node read for the entity, by name (null = not set)
   * @param matched for a user aggregate: the first matching users (by id), else empty
   * @param children the nodes under this one ({@code all}, {@code any}, {@code not})
   */
  public record Node(
      String condition,
      String result,
      Map<String, Object> values,
      List<String> matched,
      List<Node> children) {}

  /**
   * The explanation of one segment for one entity on one date.
   *
   * @param member what the evaluation gives
   * @param stored what {@code segment_members} holds for the date (empty when the segments stage
   *     did not write the segment on that date)
   */
  public record Explanation(
      String segment,
      Entity entity,
      String entityId,
      LocalDate date,
      boolean member,
      Optional<Boolean> stored,
      Node tree) {

    /** The explanation as indented lines (what the command prints). */
    public List<String> lines() {
      List<String> out = new ArrayList<>();
      String storedText =
          stored.isEmpty()
              ? "segment_members has no rows of " + segment + " on " + date
              : "segment_members: " + (stored.get() ? "member" : "not a member");
      out.add(
          String.format(
              "%s on %s for %s %s: %s (%s)",
              segment, date, entity.key, entityId, member ? "member" : "not a member", storedText));
      render(tree, 0, out);
      return out;
    }

    private static void render(Node n, int depth, List<String> out) {
      String indent = "  ".repeat(depth);
      StringBuilder line = new StringBuilder(indent).append(n.condition()).append(": ");
      line.append(n.result());
      if (!n.values().isEmpty()) {
        line.append(" (")
            .append(
                n.values().entrySet().stream()
                    .map(e -> e.getKey() + " = " + text(e.getValue()))
                    .collect(Collectors.joining(", ")))
            .append(")");
      }
      out.add(line.toString());
      if (!n.matched().isEmpty()) {
        long matching = ((Number) n.values().get("matching")).longValue();
        String more =
            matching > n.matched().size()
                ? ", and " + (matching - n.matched().size()) + " more"
                : "";
        out.add(indent + "  matched: " + String.join(", ", n.matched()) + more);
      }
      n.children().forEach(c -> render(c, depth + 1, out));
    }

    /** The explanation as a JSON-ready map ({@code --json}). */
    public Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("segment", segment);
      m.put("entity", entity.key);
      m.put("entity_id", entityId);
      m.put("date", date.toString());
      m.put("member", member);
      m.put("stored_member", stored.orElse(null));
      m.put("tree", json(tree));
      return m;
    }

    private static Map<String, Object> json(Node n) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("condition", n.condition());
      m.put("result", n.result().equals("null") ? null : Boolean.valueOf(n.result()));
      Map<String, Object> values = new LinkedHashMap<>();
      n.values().forEach((k, v) -> values.put(k, jsonValue(v)));
      m.put("values", values);
      if (!n.matched().isEmpty()) {
        m.put("matched", n.matched());
      }
      if (!n.children().isEmpty()) {
        m.put("children", n.children().stream().map(Explanation::json).toList());
      }
      return m;
    }

    private static Object jsonValue(Object v) {
      return v == null || v instanceof Number || v instanceof Boolean ? v : text(v);
    }
  }

  public Explainer(StageContext context) {
    super(context);
  }

  /**
   * Explains segment {@code segmentId} (one of {@code all}, the valid configured definitions) for
   * the entity {@code entityId} on {@code date}, listing at most {@code firstUsers} matched users
   * per user aggregate.
   */
  public Explanation explain(
      List<SegmentDefinition> all,
      String segmentId,
      String entityId,
      LocalDate date,
      int firstUsers) {
    Map<String, SegmentDefinition> byId = new LinkedHashMap<>();
    all.forEach(d -> byId.put(d.id(), d));
    SegmentDefinition def = byId.get(segmentId);
    if (def == null) {
      throw new UserError(
          "No segment '"
              + segmentId
              + "' in the definitions (segments validate lists them, with the standard and"
              + " suggested ones)");
    }
    List<SegmentDefinition> needed = closureOf(List.of(def), all);
    Date day = Date.valueOf(date);
    SegmentsEvaluator evaluator = new SegmentsEvaluator(context);
    try {
      SegmentsEvaluator.Frames frames = evaluator.frames(date, needed);
      Entity entity = def.entity();
      Dataset<Row> base =
          (entity == Entity.USER ? frames.users() : frames.accountsAt(def.level()))
              .where(col(entity.idColumn()).equalTo(lit(entityId)));
      // The account row the segment reads (level any: the parent row of an account with one).
      String rowLevel =
          entity == Entity.USER
              ? null
              : base.select("level").collectAsList().stream()
                  .map(r -> r.getString(0))
                  .findFirst()
                  .orElse(null);
      Collector collector =
          new Collector(frames, def.workspace(), entity, entityId, rowLevel, firstUsers);
      Plan plan = collector.plan(def.where());
      List<Column> columns = new ArrayList<>(collector.columns);
      columns.add(array_contains(col("__m"), def.id()).as("__member"));
      List<Row> rows = base.select(columns.toArray(Column[]::new)).collectAsList();
      if (rows.isEmpty()) {
        throw new UserError(
            "No "
                + entity.key
                + " '"
                + entityId
                + "' in "
                + (entity == Entity.USER ? TableNames.USER_FEATURES : TableNames.ACCOUNT_FEATURES)
                + (entity == Entity.ACCOUNT && def.level() != SegmentDefinition.Level.LEAF
                    ? " at level " + def.level().key + " (segment " + segmentId + "'s level)"
                    : "")
                + " on "
                + date
                + " (ids are case-sensitive; the "
                + entity.key
                + "s of a date are those seen up to it)");
      }
      Row row = rows.get(0);
      Node tree = collector.node(plan, row);
      boolean member = row.getBoolean(row.fieldIndex("__member"));
      return new Explanation(
          segmentId, entity, entityId, date, member, stored(def, entityId, day), tree);
    } finally {
      evaluator.release();
    }
  }

  /**
   * The segments, the segments they refer to (also inside user aggregates), and theirs, from {@code
   * all}.
   */
  public static List<SegmentDefinition> closureOf(
      List<SegmentDefinition> segments, List<SegmentDefinition> all) {
    Map<String, SegmentDefinition> byId = new LinkedHashMap<>();
    all.forEach(d -> byId.put(d.id(), d));
    Set<String> seen = new LinkedHashSet<>();
    Deque<SegmentDefinition> todo = new ArrayDeque<>(segments);
    while (!todo.isEmpty()) {
      SegmentDefinition d = todo.pop();
      if (!seen.add(d.id())) {
        continue;
      }
      for (String ref : allReferences(d.where())) {
        SegmentDefinition r = byId.get(ref);
        if (r != null) {
          todo.push(r);
        }
      }
    }
    return byId.values().stream().filter(d -> seen.contains(d.id())).toList();
  }

  private static Set<String> allReferences(Cond c) {
    return c.accept(
        new CondVisitor.Walk<Set<String>>() {
          @Override
          protected Set<String> leaf(Cond n) {
            Set<String> out = new LinkedHashSet<>();
            if (n instanceof Cond.SegmentRef r) {
              out.add(r.segment());
            }
            return out;
          }

          @Override
          protected Set<String> combine(Set<String> a, Set<String> b) {
            a.addAll(b);
            return a;
          }
        });
  }

  /** Whether segment_members holds the entity for the segment on the date (empty: not written). */
  private Optional<Boolean> stored(SegmentDefinition def, String entityId, Date day) {
    if (!warehouse.exists(TableNames.SEGMENT_SIZES)
        || warehouse
            .read(TableNames.SEGMENT_SIZES)
            .where(col("as_of_date").equalTo(lit(day)).and(col("segment_id").equalTo(def.id())))
            .isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        !warehouse
            .read(TableNames.SEGMENT_MEMBERS)
            .where(
                col("as_of_date")
                    .equalTo(lit(day))
                    .and(col("segment_id").equalTo(def.id()))
                    .and(col("entity").equalTo(def.entity().key))
                    .and(col("entity_id").equalTo(entityId)))
            .isEmpty());
  }

  /** A node of the tree with the positions of its result and value columns in the row. */
  private record Plan(
      Cond cond,
      int result,
      Map<String, Integer> values,
      List<String> matched,
      List<Plan> children) {}

  /** Gathers the columns of every node, then reads the entity's row back into nodes. */
  private static final class Collector {
    final List<Column> columns = new ArrayList<>();
    final SegmentsEvaluator.Frames frames;
    final SegmentCompiler compiler;
    final String workspace;
    final Entity entity;
    final String entityId;
    final String rowLevel;
    final int firstUsers;

    Collector(
        SegmentsEvaluator.Frames frames,
        String workspace,
        Entity entity,
        String entityId,
        String rowLevel,
        int firstUsers) {
      this.frames = frames;
      this.compiler = frames.compiler();
      this.workspace = workspace;
      this.entity = entity;
      this.entityId = entityId;
      this.rowLevel = rowLevel;
      this.firstUsers = firstUsers;
    }

    private int add(Column c) {
      columns.add(c.as("__x" + columns.size()));
      return columns.size() - 1;
    }

    Plan plan(Cond c) {
      int result = add(compiler.compile(c, entity, workspace));
      Map<String, Integer> values = new LinkedHashMap<>();
      List<Plan> children = new ArrayList<>();
      List<String> matched = List.of();
      if (c instanceof Cond.All a) {
        a.items().forEach(i -> children.add(plan(i)));
      } else if (c instanceof Cond.Any a) {
        a.items().forEach(i -> children.add(plan(i)));
      } else if (c instanceof Cond.Not n) {
        children.add(plan(n.item()));
      } else if (c instanceof Cond.Field f) {
        Column v = SegmentCompiler.fieldColumn(f.field(), entity, workspace);
        values.put(f.field(), add(v));
        if (f.op() == FieldOp.MORE_THAN_DAYS_AGO || f.op() == FieldOp.WITHIN_DAYS) {
          values.put("days_ago", add(compiler.daysBefore(v)));
        }
      } else if (c instanceof Cond.Event e) {
        Column v = compiler.eventColumn(e, entity);
        if (e.occurrence().isPresent()) {
          values.put(e.occurrence().get().first() ? "first" : "last", add(v));
          values.put("days_ago", add(compiler.daysBefore(v)));
        } else {
          values.put("count", add(coalesce(v, lit(0L))));
        }
      } else if (c instanceof Cond.SegmentRef r) {
        values.put(r.segment(), add(array_contains(col("__m"), r.segment())));
      } else if (c instanceof Cond.UserAggregate u) {
        values.put("matching", add(coalesce(compiler.aggregateColumn(u), lit(0L))));
        values.put("users", add(coalesce(col("ua_total"), lit(0L))));
        matched = matchingUsers(u);
      } else if (c instanceof Cond.Band b) {
        SegmentCompiler.Bounds bounds = compiler.bounds(b, entity);
        if (bounds != null) {
          values.put(bounds.metric(), add(SegmentCompiler.bandMetric(bounds, b.workspace())));
          values.put("lower", add(lit(bounds.lower()).cast("double")));
          values.put("upper", add(lit(bounds.upper()).cast("double")));
        }
      }
      return new Plan(c, result, values, matched, children);
    }

    /**
     * The first matching users of the account row (by id; a parent row's are those of the account
     * and every account under it), read from the evaluated user frame.
     */
    private List<String> matchingUsers(Cond.UserAggregate u) {
      Dataset<Row> under =
          frames
              .userAccounts()
              .where(col("__a").equalTo(lit(entityId)).and(col("__l").equalTo(lit(rowLevel))));
      return frames
          .users()
          .join(under, col("user_id").equalTo(under.col("__u")), "left_semi")
          .where(compiler.compile(u.users(), Entity.USER, compiler.aggregateWorkspaces.get(u)))
          .select("user_id")
          .orderBy("user_id")
          .limit(firstUsers)
          .collectAsList()
          .stream()
          .map(r -> r.getString(0))
          .toList();
    }

    Node node(Plan p, Row row) {
      Map<String, Object> values = new LinkedHashMap<>();
      p.values().forEach((name, i) -> values.put(name, value(row, i)));
      boolean result = row.getBoolean(p.result());
      String shown = String.valueOf(result);
      if (!result && p.cond() instanceof Cond.Field f && f.op() != FieldOp.IS_SET) {
        if (values.get(f.field()) == null) {
          shown = "null";
        }
      }
      if (!result
          && p.cond() instanceof Cond.Event e
          && e.occurrence().isPresent()
          && values.values().stream().allMatch(v -> v == null)) {
        shown = "null";
      }
      return new Node(
          label(p.cond()),
          shown,
          values,
          p.matched(),
          p.children().stream().map(c -> node(c, row)).toList());
    }

    private static Object value(Row row, int i) {
      if (row.isNullAt(i)) {
        return null;
      }
      Object v = row.get(i);
      if (v instanceof scala.collection.Seq<?>) {
        return row.getList(i);
      }
      return v;
    }
  }

  /** A value as the explanation prints it. */
  static String text(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return String.valueOf(d);
      }
      return BigDecimal.valueOf(d)
          .setScale(4, RoundingMode.HALF_EVEN)
          .stripTrailingZeros()
          .toPlainString();
    }
    if (v instanceof Timestamp t) {
      return t.toInstant().toString();
    }
    if (v instanceof List<?> l) {
      return "[" + l.stream().map(Explainer::text).collect(Collectors.joining(", ")) + "]";
    }
    return String.valueOf(v);
  }

  /** A condition as one line of the segment language's words. */
  static String label(Cond c) {
    if (c instanceof Cond.All) {
      return "all";
    }
    if (c instanceof Cond.Any) {
      return "any";
    }
    if (c instanceof Cond.Not) {
      return "not";
    }
    return inline(c);
  }

  /** A whole condition on one line (the users of an aggregate). */
  static String inline(Cond c) {
    if (c instanceof Cond.All a) {
      return "all("
          + a.items().stream().map(Explainer::inline).collect(Collectors.joining(", "))
          + ")";
    }
    if (c instanceof Cond.Any a) {
      return "any("
          + a.items().stream().map(Explainer::inline).collect(Collectors.joining(", "))
          + ")";
    }
    if (c instanceof Cond.Not n) {
      return "not(" + inline(n.item()) + ")";
    }
    if (c instanceof Cond.Field f) {
      return f.field() + " " + operation(f.op(), f.values(), f.days());
    }
    if (c instanceof Cond.Event e) {
      return event(e);
    }
    if (c instanceof Cond.SegmentRef r) {
      return (r.member() ? "member of " : "not a member of ") + r.segment();
    }
    if (c instanceof Cond.UserAggregate u) {
      return aggregate(u);
    }
    if (c instanceof Cond.Band b) {
      return "band " + b.band() + " of " + b.workspace() + " " + b.metric();
    }
    return "always";
  }

  private static String operation(FieldOp op, List<Object> values, int days) {
    return switch (op) {
      case IS_SET, IS_NOT_SET -> op.symbol;
      case MORE_THAN_DAYS_AGO, WITHIN_DAYS -> op.symbol + " " + days;
      case BETWEEN -> "between " + text(values.get(0)) + " and " + text(values.get(1));
      case IN, NOT_IN ->
          op.symbol
              + " ["
              + values.stream().map(Explainer::text).collect(Collectors.joining(", "))
              + "]";
      default -> op.symbol + " " + text(values.get(0));
    };
  }

  private static String event(Cond.Event e) {
    if (e.occurrence().isPresent()) {
      Cond.Occurrence o = e.occurrence().get();
      return "event "
          + e.event()
          + " "
          + (o.first() ? "first" : "last")
          + " "
          + operation(o.op(), List.of(), o.days());
    }
    String window = e.withinDays().map(n -> "within_days " + n).orElse("ever");
    String where =
        e.where().isEmpty()
            ? ""
            : " where "
                + e.where().stream()
                    .map(f -> f.property() + " " + operation(f.op(), f.values(), 0))
                    .collect(Collectors.joining(" and "));
    return "event " + e.event() + " " + e.countOp().key + " " + e.count() + " " + window + where;
  }

  private static String aggregate(Cond.UserAggregate u) {
    String users = "{" + inline(u.users()) + "}";
    String v = text(u.value() == Math.rint(u.value()) ? (Object) (long) u.value() : u.value());
    return switch (u.kind()) {
      case COUNT -> "users count " + u.op().symbol + " " + v + " of " + users;
      case SHARE -> "users share " + u.op().symbol + " " + v + "% of " + users;
      case ANY -> "users any of " + users;
      case ALL -> "users all of " + users;
      case NONE -> "users none of " + users;
    };
  }
}
