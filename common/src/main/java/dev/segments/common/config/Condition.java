package dev.segments.common.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A comparison of one field with literal values, as used by a workspace's population and its
 * trait activation steps: {@code { field = plan, op = in, value = [pro, enterprise] }}.
 *
 * @param field a column of the feature table (typed trait, feature) or, if no such column, a key
 *     of the {@code traits} map; {@code account.<field>} reads the user's account (population only)
 * @param op the operator
 * @param values the literal values (none for is_set / is_not_set, two for between, one or more
 *     for in / not_in, one otherwise); strings, numbers or booleans
 */
public record Condition(String field, Op op, List<Object> values) {

  public Condition {
    values = List.copyOf(values);
  }

  /** The comparison operators. */
  public enum Op {
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
    IS_NOT_SET("is_not_set");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }

    public static Optional<Op> fromSymbol(String s) {
      String wanted = s.trim().toLowerCase(Locale.ROOT);
      for (Op op : values()) {
        if (op.symbol.equals(wanted)) {
          return Optional.of(op);
        }
      }
      return Optional.empty();
    }

    /** How many values the operator takes: -1 = one or more. */
    public int arity() {
      return switch (this) {
        case IS_SET, IS_NOT_SET -> 0;
        case BETWEEN -> 2;
        case IN, NOT_IN -> -1;
        default -> 1;
      };
    }

    public static String symbols() {
      return String.join(", ", java.util.Arrays.stream(values()).map(Op::symbol).toList());
    }
  }
}
