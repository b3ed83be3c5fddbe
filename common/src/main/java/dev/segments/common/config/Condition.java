package dev.segments.common.config;

import dev.segments.common.segments.Cond;
import java.util.List;

/**
 * A comparison of one field with literal values, as used by a workspace's population and its
 * trait activation steps: {@code { field = plan, op = in, value = [pro, enterprise] }}.
 *
 * @param field a column of the feature table (typed trait, feature) or, if no such column, a key
 *     of the {@code traits} map; {@code account.<field>} reads the user's account (population only)
 * @param op the operator (those of the segment language except the timing ones)
 * @param values the literal values (none for is_set / is_not_set, two for between, one or more
 *     for in / not_in, one otherwise); strings, numbers or booleans
 */
public record Condition(String field, Cond.FieldOp op, List<Object> values) {

  public Condition {
    values = List.copyOf(values);
  }
}
