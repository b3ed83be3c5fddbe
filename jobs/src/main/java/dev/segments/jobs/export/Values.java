package dev.segments.jobs.export;

import java.math.BigDecimal;
import java.util.Collection;

/** Field values as the APIs take them. */
final class Values {
  private Values() {}

  /** As text: whole numbers without ".0", timestamps and dates in ISO-8601, lists joined by ";". */
  static String text(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Double || v instanceof Float) {
      double x = ((Number) v).doubleValue();
      if (Double.isNaN(x) || Double.isInfinite(x)) {
        return "";
      }
      return BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
    }
    if (v instanceof java.sql.Timestamp t) {
      return t.toInstant().toString();
    }
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate().toString();
    }
    if (v instanceof Collection<?> c) {
      return String.join(";", c.stream().map(Values::text).toList());
    }
    return v.toString();
  }

  /** As a JSON value: numbers and booleans kept, everything else as text. */
  static Object json(Object v) {
    if (v == null || v instanceof Number || v instanceof Boolean) {
      if (v instanceof Double x && (x.isNaN() || x.isInfinite())) {
        return null;
      }
      return v;
    }
    if (v instanceof Collection<?> c) {
      return c.stream().map(Values::json).toList();
    }
    return text(v);
  }
}
