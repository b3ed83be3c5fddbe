package dev.segments.common.segments;

import java.util.List;
import java.util.Optional;

/**
 * A node of a condition tree of the segment language (docs/segments.md): a segment's {@code where},
 * a workspace's {@code population}, an activation step's condition. Parsed by {@link
 * ConditionParser}, walked by a {@link CondVisitor}, compiled to Spark columns by the jobs' segment
 * compiler.
 */
public sealed interface Cond {

  /** Calls the visitor's method for this node's kind. */
  <R> R accept(CondVisitor<R> visitor);

  /**
   * The segment ids a tree refers to, of its own entity: references inside a user aggregate are to
   * user segments, evaluated before any account segment, so they are not followed.
   */
  static java.util.Set<String> references(Cond c) {
    return c.accept(
        new CondVisitor.Walk<java.util.Set<String>>() {
          @Override
          protected java.util.Set<String> leaf(Cond n) {
            return n instanceof SegmentRef r
                ? new java.util.LinkedHashSet<>(List.of(r.segment()))
                : new java.util.LinkedHashSet<>();
          }

          @Override
          protected java.util.Set<String> combine(
              java.util.Set<String> a, java.util.Set<String> b) {
            a.addAll(b);
            return a;
          }

          @Override
          public java.util.Set<String> userAggregate(UserAggregate u) {
            return new java.util.LinkedHashSet<>();
          }
        });
  }

  /** Whether any node of the tree (the users of an aggregate included) satisfies the test. */
  static boolean anyNode(Cond c, java.util.function.Predicate<Cond> test) {
    return c.accept(
        new CondVisitor.Walk<Boolean>() {
          @Override
          protected Boolean leaf(Cond n) {
            return test.test(n);
          }

          @Override
          protected Boolean combine(Boolean a, Boolean b) {
            return a || b;
          }
        });
  }

  /**
   * Whether the tree has an {@code account.<field>} condition (user trees, or the users of an
   * aggregate).
   */
  static boolean readsAccountFields(Cond c) {
    return anyNode(c, n -> n instanceof Field f && f.field().startsWith("account."));
  }

  /** Every item holds. */
  record All(List<Cond> items) implements Cond {
    @Override
    public <R> R accept(CondVisitor<R> visitor) {
      return visitor.all(this);
    }

    public All {
      items = List.copyOf(items);
    }
  }

  /** At least one item holds. */
  record Any(List<Cond> items) implements Cond {
    @Override
    public <R> R accept(CondVisitor<R> visitor) {
      return visitor.any(this);
    }

    public Any {
      items = List.copyOf(items);
    }
  }

  /** The item does not hold. */
  record Not(Cond item) implements Cond {
    @Override
    public <R> R accept(CondVisitor<R> visitor) {
      return visitor.not(this);
    }
  }

  /**
   * A field compared with literal values; {@code days} for {@code more_than_days_ago} / {@code
   * within_days}.
   */
  record Field(String field, FieldOp op, List<Object> values, int days) implements Cond {
    @Override
    public <R> R accept(CondVisitor<R> visitor) {
      return visitor.field(this);
    }

    public Field {
      values = List.copyOf(values);
    }
  }

  /**
   * An event condition: how many times ({@code count} compared with {@code countOp}) within the
   * last {@code withinDays} days or ever (empty), optionally only events whose properties match
   * {@code where}; or, with {@code occurrence} set, when the first / last one happened.
   */
  record Event(
      String event,
      CountOp countOp,
      long count,
      Optional<Integer> withinDays,
      List<PropertyFilter> where,
      Optional<Occurrence> occurrence)
      implements Cond {
    @Override
    public <R> R accept(CondVisitor<R> visitor) {
      return visitor.event(this);
    }

    public Event {
      where = List.copyOf(where);
    }
  }

  /** Member (or not) of another segment of the same entity on the same date. */
  record SegmentRef(String segment, boolean member) implements Cond {
    @Override
    public <R> R accept(CondVisitor<R> visitor) {
      return visitor.segmentRef(this);
    }
  }

  /** Account segments: how many / what share of the account's users satisfy {@code users}. */
  record UserAggregate(Cond users, AggregateKind kind, FieldOp op, double value) implements Cond {
    @Override
    public <R> R accept(CondVisitor<R> visitor) {
      return visitor.userAggregate(this);
    }
  }

  /** A suggested band: its metric between the bounds segment_thresholds records for the day. */
  record Band(String workspace, String band, String metric) implements Cond {
    @Override
    public <R> R accept(CondVisitor<R> visitor) {
      return visitor.band(this);
    }
  }

  /** Always true (the standard {@code all_*} segments). */
  record True() implements Cond {
    @Override
    public <R> R accept(CondVisitor<R> visitor) {
      return visitor.always(this);
    }
  }

  /** A filter on an event property (text in the {@code properties} map). */
  record PropertyFilter(String property, FieldOp op, List<Object> values) {
    public PropertyFilter {
      values = List.copyOf(values);
    }
  }

  /** First or last occurrence of an event, more than / within N days before the date. */
  record Occurrence(boolean first, FieldOp op, int days) {}

  enum CountOp {
    AT_LEAST("at_least"),
    AT_MOST("at_most"),
    EXACTLY("exactly");

    public final String key;

    CountOp(String key) {
      this.key = key;
    }
  }

  enum AggregateKind {
    COUNT,
    SHARE,
    ANY,
    ALL,
    NONE
  }

  /** The field operators. */
  enum FieldOp {
    EQ("="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">="),
    BETWEEN("between"),
    IN("in"),
    NOT_IN("not_in"),
    CONTAINS("contains"),
    STARTS_WITH("starts_with"),
    IS_SET("is_set"),
    IS_NOT_SET("is_not_set"),
    MORE_THAN_DAYS_AGO("more_than_days_ago"),
    WITHIN_DAYS("within_days");

    public final String symbol;

    FieldOp(String symbol) {
      this.symbol = symbol;
    }

    public static Optional<FieldOp> of(String s) {
      for (FieldOp op : values()) {
        if (op.symbol.equals(s)) {
          return Optional.of(op);
        }
      }
      return Optional.empty();
    }

    public static String symbols() {
      return String.join(", ", java.util.Arrays.stream(values()).map(o -> o.symbol).toList());
    }

    /**
     * How many values the operator takes: -1 = one or more (timing operators take days instead).
     */
    public int arity() {
      return switch (this) {
        case IS_SET, IS_NOT_SET, MORE_THAN_DAYS_AGO, WITHIN_DAYS -> 0;
        case BETWEEN -> 2;
        case IN, NOT_IN -> -1;
        default -> 1;
      };
    }

    /** The operators that compare with values (all but the timing ones). */
    public boolean isComparison() {
      return this != MORE_THAN_DAYS_AGO && this != WITHIN_DAYS;
    }
  }
}
