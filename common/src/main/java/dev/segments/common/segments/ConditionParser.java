package dev.segments.common.segments;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.segments.common.segments.Cond.AggregateKind;
import dev.segments.common.segments.Cond.CountOp;
import dev.segments.common.segments.Cond.FieldOp;
import dev.segments.common.segments.FieldCatalog.Type;
import dev.segments.common.segments.SegmentDefinition.Entity;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one parser of the segment language: a HOCON value to a {@link Cond} tree, with every field
 * looked up in the {@link FieldCatalog} and every operator and value checked against the field's
 * type. Segments' {@code where}, workspaces' {@code population} and activation steps' conditions
 * all go through it; a {@link Scope} says which parts of the language a place allows. Problems go
 * to a {@link Problems} sink, each naming the path of the offending key; a tree with a problem
 * parses to null.
 */
public final class ConditionParser {

  /** Where a condition stands, which decides what it may use. */
  public enum Scope {
    /** A segment's {@code where}: the whole language. */
    SEGMENT("a segment"),
    /** A workspace's {@code population}: user conditions that read no score and no segment. */
    POPULATION("a population"),
    /**
     * An activation step's condition: field conditions (all / any / not of them) on the entity's
     * own fields.
     */
    STEP("an activation step");

    final String noun;

    Scope(String noun) {
      this.noun = noun;
    }
  }

  /**
   * Where problems go: a path in the condition (e.g. {@code where.all[1].field}) and what is wrong.
   */
  public interface Problems {
    void error(String path, String message);

    void warning(String path, String message);
  }

  /** A reference to another segment, found while parsing, checked once every segment is known. */
  public record Reference(Entity entity, String target, String path) {}

  private static final Set<String> FIELD_KEYS = Set.of("field", "op", "value", "days");
  private static final Set<String> EVENT_KEYS =
      Set.of(
          "event",
          "at_least",
          "at_most",
          "exactly",
          "within_days",
          "ever",
          "where",
          "occurrence",
          "op",
          "days");
  private static final Set<String> FILTER_KEYS = Set.of("property", "op", "value");
  private static final Set<String> AGGREGATE_KEYS = Set.of("users", "count", "share", "match");
  static final Map<Type, Set<FieldOp>> OPS =
      Map.of(
          Type.NUMBER,
              EnumSet.of(
                  FieldOp.EQ,
                  FieldOp.NE,
                  FieldOp.LT,
                  FieldOp.LE,
                  FieldOp.GT,
                  FieldOp.GE,
                  FieldOp.BETWEEN,
                  FieldOp.IN,
                  FieldOp.NOT_IN,
                  FieldOp.IS_SET,
                  FieldOp.IS_NOT_SET),
          Type.STRING,
              EnumSet.of(
                  FieldOp.EQ,
                  FieldOp.NE,
                  FieldOp.IN,
                  FieldOp.NOT_IN,
                  FieldOp.CONTAINS,
                  FieldOp.STARTS_WITH,
                  FieldOp.IS_SET,
                  FieldOp.IS_NOT_SET),
          Type.BOOLEAN, EnumSet.of(FieldOp.EQ, FieldOp.NE, FieldOp.IS_SET, FieldOp.IS_NOT_SET),
          Type.TIMESTAMP,
              EnumSet.of(
                  FieldOp.MORE_THAN_DAYS_AGO,
                  FieldOp.WITHIN_DAYS,
                  FieldOp.LT,
                  FieldOp.LE,
                  FieldOp.GT,
                  FieldOp.GE,
                  FieldOp.BETWEEN,
                  FieldOp.IS_SET,
                  FieldOp.IS_NOT_SET),
          Type.STRING_ARRAY, EnumSet.of(FieldOp.CONTAINS, FieldOp.IS_SET, FieldOp.IS_NOT_SET),
          Type.MAP, EnumSet.noneOf(FieldOp.class));

  private final FieldCatalog catalog;
  private final int longestWindow;
  private final Set<String> knownEvents;
  private final Scope scope;
  private final Problems problems;
  private final List<Reference> references = new ArrayList<>();

  /**
   * @param knownEvents the events the workspaces name (an event condition on another one is warned
   *     about); empty: no warning
   */
  public ConditionParser(
      FieldCatalog catalog,
      int longestWindow,
      Set<String> knownEvents,
      Scope scope,
      Problems problems) {
    this.catalog = catalog;
    this.longestWindow = longestWindow;
    this.knownEvents = Set.copyOf(knownEvents);
    this.scope = scope;
    this.problems = problems;
  }

  /** Parses one condition of the entity; null when it has a problem (reported). */
  public Cond parse(ConfigValue v, String path, Entity entity) {
    return cond(v, path, entity);
  }

  /** The segment references met so far (segments only). */
  public List<Reference> references() {
    return List.copyOf(references);
  }

  private Cond cond(ConfigValue v, String path, Entity entity) {
    if (v.valueType() != ConfigValueType.OBJECT) {
      err(path, "must be a condition { ... }, not " + v.render());
      return null;
    }
    ConfigObject o = (ConfigObject) v;
    Set<String> keys = o.keySet();
    for (String logic : List.of("all", "any")) {
      if (keys.contains(logic)) {
        if (keys.size() != 1) {
          err(
              path,
              "'" + logic + "' must be alone in its condition; found also " + others(keys, logic));
          return null;
        }
        ConfigValue list = o.get(logic);
        if (list.valueType() != ConfigValueType.LIST) {
          err(path + "." + logic, "must be a list of conditions, not " + list.render());
          return null;
        }
        List<ConfigValue> items = new ArrayList<>((com.typesafe.config.ConfigList) list);
        if (items.isEmpty()) {
          err(path + "." + logic, "is empty; list at least one condition");
          return null;
        }
        List<Cond> parsed = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
          parsed.add(cond(items.get(i), path + "." + logic + "[" + i + "]", entity));
        }
        if (parsed.contains(null)) {
          return null;
        }
        return logic.equals("all") ? new Cond.All(parsed) : new Cond.Any(parsed);
      }
    }
    if (keys.contains("not")) {
      if (keys.size() != 1) {
        err(path, "'not' must be alone in its condition; found also " + others(keys, "not"));
        return null;
      }
      Cond inner = cond(o.get("not"), path + ".not", entity);
      return inner == null ? null : new Cond.Not(inner);
    }
    if (keys.contains("field")) {
      return field(o, path, entity);
    }
    if (keys.contains("event")) {
      if (scope == Scope.STEP) {
        err(
            path + ".event",
            "an activation step's condition compares fields; for events use a step { event = ..., at-least = N }");
        return null;
      }
      return event(o, path);
    }
    if (keys.contains("segment")) {
      if (scope != Scope.SEGMENT) {
        err(
            path + ".segment",
            scope.noun + " cannot refer to segments: segments are evaluated after the scores");
        return null;
      }
      return segmentRef(o, path, entity);
    }
    if (keys.contains("users")) {
      return userAggregate(o, path, entity);
    }
    err(
        path,
        "unknown condition "
            + o.render(ConfigRenderOptions.concise())
            + "; a condition has all, any, not, field, event, segment or users");
    return null;
  }

  private Cond field(ConfigObject o, String path, Entity entity) {
    unknownKeys(o, FIELD_KEYS, path, "a field condition has field, op, value, days");
    String field = text(o.get("field"), path + ".field", null);
    String opText = text(o.get("op"), path + ".op", null);
    if (o.get("op") == null) {
      err(path + ".op", "is missing; one of " + FieldOp.symbols());
    }
    if (field == null || opText == null) {
      return null;
    }
    Entity fieldEntity = entity;
    String bare = field;
    if (field.startsWith("account.")) {
      if (scope == Scope.STEP) {
        err(
            path + ".field",
            "'"
                + field
                + "': an activation step reads the entity's own fields, not account.<field>");
        return null;
      }
      if (entity == Entity.ACCOUNT) {
        err(
            path + ".field",
            "'"
                + field
                + "': account.<field> is for user segments; an account segment names its fields directly");
        return null;
      }
      fieldEntity = Entity.ACCOUNT;
      bare = field.substring("account.".length());
    }
    Optional<Type> type = catalog.type(fieldEntity, bare);
    if (type.isEmpty()) {
      err(
          path + ".field",
          "unknown "
              + fieldEntity.key
              + " field '"
              + bare
              + "'"
              + suggestion(fieldEntity, bare)
              + " (fields are listed in docs/segments.md; untyped traits are traits.<name>)");
      return null;
    }
    if (scope != Scope.SEGMENT && FieldCatalog.isScoreField(fieldEntity, bare)) {
      err(
          path + ".field",
          "'"
              + field
              + "' is a score; "
              + scope.noun
              + " cannot read scores, which are computed from it"
              + " (fields are listed in docs/segments.md)");
      return null;
    }
    Optional<FieldOp> op = FieldOp.of(opText);
    if (op.isEmpty()) {
      err(path + ".op", "unknown operator '" + opText + "'; one of " + FieldOp.symbols());
      return null;
    }
    if (!OPS.get(type.get()).contains(op.get())) {
      String fits = String.join(", ", OPS.get(type.get()).stream().map(x -> x.symbol).toList());
      err(
          path + ".op",
          "operator '"
              + opText
              + "' does not fit "
              + typeName(type.get())
              + " field "
              + field
              + (fits.isEmpty()
                  ? " (a map of counts: use an event condition)"
                  : "; use one of " + fits));
      return null;
    }
    int days = 0;
    boolean timing = op.get() == FieldOp.MORE_THAN_DAYS_AGO || op.get() == FieldOp.WITHIN_DAYS;
    if (timing) {
      if (o.get("days") == null) {
        err(path + ".days", "is missing; " + op.get().symbol + " needs days = N");
        return null;
      }
      days =
          wholeNumber(
              o.get("days"), path + ".days", op.get() == FieldOp.WITHIN_DAYS ? 1 : 0, 36_600);
      if (o.get("value") != null) {
        err(path + ".value", "does not apply to " + op.get().symbol + " (use days = N)");
      }
    } else if (o.get("days") != null) {
      err(path + ".days", "only applies to more_than_days_ago and within_days");
    }
    List<Object> values =
        timing ? List.of() : values(o.get("value"), path + ".value", op.get(), type.get());
    if (values == null) {
      return null;
    }
    return new Cond.Field(field, op.get(), values, days);
  }

  private List<Object> values(ConfigValue v, String path, FieldOp op, Type type) {
    int arity = op.arity();
    if (arity == 0) {
      if (v != null) {
        err(path, "operator " + op.symbol + " takes no value");
        return null;
      }
      return List.of();
    }
    if (v == null) {
      err(
          path,
          "is missing; operator "
              + op.symbol
              + " takes "
              + (arity == 2
                  ? "value = [low, high]"
                  : arity == -1 ? "a list of values" : "a value"));
      return null;
    }
    List<ConfigValue> items = new ArrayList<>();
    if (v.valueType() == ConfigValueType.LIST) {
      items.addAll((com.typesafe.config.ConfigList) v);
    } else {
      items.add(v);
    }
    boolean ok =
        switch (arity) {
          case 2 -> v.valueType() == ConfigValueType.LIST && items.size() == 2;
          case -1 -> !items.isEmpty();
          default -> v.valueType() != ConfigValueType.LIST;
        };
    if (!ok) {
      err(
          path,
          "operator "
              + op.symbol
              + " takes "
              + (arity == 2
                  ? "value = [low, high]"
                  : arity == -1 ? "a list of one or more values" : "one value")
              + ", not "
              + v.render());
      return null;
    }
    Type valueType = type == Type.STRING_ARRAY ? Type.STRING : type;
    List<Object> out = new ArrayList<>();
    for (ConfigValue item : items) {
      Object x = item.unwrapped();
      boolean fits =
          switch (valueType) {
            case NUMBER -> item.valueType() == ConfigValueType.NUMBER;
            case BOOLEAN -> item.valueType() == ConfigValueType.BOOLEAN;
            case STRING ->
                item.valueType() == ConfigValueType.STRING
                    || item.valueType() == ConfigValueType.NUMBER;
            case TIMESTAMP -> item.valueType() == ConfigValueType.STRING && isDate((String) x);
            default -> false;
          };
      if (!fits) {
        err(
            path,
            item.render()
                + " is not a "
                + switch (valueType) {
                  case NUMBER -> "number";
                  case BOOLEAN -> "boolean (true or false)";
                  case TIMESTAMP -> "date (YYYY-MM-DD)";
                  default -> "text value";
                });
        return null;
      }
      out.add(valueType == Type.STRING ? String.valueOf(x) : x);
    }
    if (op == FieldOp.BETWEEN
        && valueType == Type.NUMBER
        && ((Number) out.get(0)).doubleValue() > ((Number) out.get(1)).doubleValue()) {
      err(path, "between needs [low, high] with low <= high, not " + v.render());
      return null;
    }
    return out;
  }

  private static boolean isDate(String s) {
    try {
      LocalDate.parse(s.length() >= 10 ? s.substring(0, 10) : s);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private Cond event(ConfigObject o, String path) {
    unknownKeys(
        o,
        EVENT_KEYS,
        path,
        "an event condition has event, at_least / at_most / exactly, within_days / ever, where, or occurrence, op, days");
    String event = text(o.get("event"), path + ".event", null);
    if (event == null) {
      return null;
    }
    if (event.isBlank()) {
      err(path + ".event", "must not be empty");
      return null;
    }
    if (!knownEvents.isEmpty() && !knownEvents.contains(event)) {
      problems.warning(
          path + ".event",
          "event '" + event + "' is not in any workspace's features or activation steps (a typo?)");
    }
    if (o.get("occurrence") != null) {
      for (String k : List.of("at_least", "at_most", "exactly", "within_days", "ever", "where")) {
        if (o.get(k) != null) {
          err(path + "." + k, "does not apply to an occurrence condition (occurrence, op, days)");
        }
      }
      String which = text(o.get("occurrence"), path + ".occurrence", null);
      if (which != null && !which.equals("first") && !which.equals("last")) {
        err(path + ".occurrence", "must be first or last, not " + which);
        return null;
      }
      String opText = text(o.get("op"), path + ".op", null);
      Optional<FieldOp> op = opText == null ? Optional.empty() : FieldOp.of(opText);
      if (op.isEmpty()
          || (op.get() != FieldOp.MORE_THAN_DAYS_AGO && op.get() != FieldOp.WITHIN_DAYS)) {
        err(
            path + ".op",
            (opText == null ? "is missing" : "'" + opText + "' does not fit an occurrence")
                + "; use more_than_days_ago or within_days");
        return null;
      }
      if (o.get("days") == null) {
        err(path + ".days", "is missing; " + opText + " needs days = N");
        return null;
      }
      int days =
          wholeNumber(
              o.get("days"), path + ".days", op.get() == FieldOp.WITHIN_DAYS ? 1 : 0, 36_600);
      if (which == null) {
        return null;
      }
      return new Cond.Event(
          event,
          CountOp.AT_LEAST,
          0,
          Optional.empty(),
          List.of(),
          Optional.of(new Cond.Occurrence(which.equals("first"), op.get(), days)));
    }
    for (String k : List.of("op", "days")) {
      if (o.get(k) != null) {
        err(path + "." + k, "only applies with occurrence = first / last");
      }
    }
    List<CountOp> counts = new ArrayList<>();
    for (CountOp c : CountOp.values()) {
      if (o.get(c.key) != null) {
        counts.add(c);
      }
    }
    if (counts.size() != 1) {
      err(
          path,
          "needs exactly one of at_least, at_most, exactly (0 = never)"
              + (counts.isEmpty() ? "" : "; found " + counts.stream().map(c -> c.key).toList()));
      return null;
    }
    long count =
        wholeNumber(o.get(counts.get(0).key), path + "." + counts.get(0).key, 0, Integer.MAX_VALUE);
    boolean ever = false;
    if (o.get("ever") != null) {
      if (o.get("ever").valueType() != ConfigValueType.BOOLEAN
          || !((Boolean) o.get("ever").unwrapped())) {
        err(path + ".ever", "must be true (or give within_days = N instead)");
        return null;
      }
      ever = true;
    }
    Optional<Integer> within = Optional.empty();
    if (o.get("within_days") != null) {
      within =
          Optional.of(wholeNumber(o.get("within_days"), path + ".within_days", 1, longestWindow));
    }
    if (ever == within.isPresent()) {
      err(path, "needs exactly one of within_days = N (1.." + longestWindow + ") or ever = true");
      return null;
    }
    List<Cond.PropertyFilter> filters = new ArrayList<>();
    if (o.get("where") != null) {
      if (ever) {
        err(
            path + ".where",
            "property filters need within_days (they read the events of the window), not ever = true");
        return null;
      }
      ConfigValue w = o.get("where");
      List<ConfigValue> items =
          w.valueType() == ConfigValueType.LIST
              ? new ArrayList<>((com.typesafe.config.ConfigList) w)
              : List.of(w);
      for (int i = 0; i < items.size(); i++) {
        String fp = path + ".where[" + i + "]";
        if (items.get(i).valueType() != ConfigValueType.OBJECT) {
          err(fp, "must be { property = ..., op = ..., value = ... }");
          return null;
        }
        ConfigObject f = (ConfigObject) items.get(i);
        unknownKeys(f, FILTER_KEYS, fp, "a property filter has property, op, value");
        String property = text(f.get("property"), fp + ".property", null);
        String opText = text(f.get("op"), fp + ".op", null);
        if (property == null || opText == null) {
          if (f.get("property") == null) {
            err(fp + ".property", "is missing");
          }
          if (f.get("op") == null) {
            err(fp + ".op", "is missing");
          }
          return null;
        }
        Optional<FieldOp> op = FieldOp.of(opText);
        if (op.isEmpty() || !OPS.get(Type.STRING).contains(op.get())) {
          err(
              fp + ".op",
              "'"
                  + opText
                  + "' does not fit an event property; use one of "
                  + String.join(", ", OPS.get(Type.STRING).stream().map(x -> x.symbol).toList()));
          return null;
        }
        List<Object> values = values(f.get("value"), fp + ".value", op.get(), Type.STRING);
        if (values == null) {
          return null;
        }
        filters.add(new Cond.PropertyFilter(property, op.get(), values));
      }
    }
    return new Cond.Event(event, counts.get(0), count, within, filters, Optional.empty());
  }

  private Cond segmentRef(ConfigObject o, String path, Entity entity) {
    unknownKeys(o, Set.of("segment", "member"), path, "a segment reference has segment, member");
    String segment = text(o.get("segment"), path + ".segment", null);
    boolean member = true;
    if (o.get("member") != null) {
      if (o.get("member").valueType() != ConfigValueType.BOOLEAN) {
        err(path + ".member", "must be true or false, not " + o.get("member").render());
        return null;
      }
      member = (Boolean) o.get("member").unwrapped();
    }
    if (segment == null) {
      return null;
    }
    references.add(new Reference(entity, segment, path + ".segment"));
    return new Cond.SegmentRef(segment, member);
  }

  private Cond userAggregate(ConfigObject o, String path, Entity entity) {
    if (entity == Entity.USER) {
      err(
          path + ".users",
          "user aggregates are for account segments (in a user segment, use account.<field>)");
      return null;
    }
    unknownKeys(
        o, AGGREGATE_KEYS, path, "a user aggregate has users and one of count, share, match");
    Cond users = cond(o.get("users"), path + ".users", Entity.USER);
    List<String> kinds = new ArrayList<>();
    for (String k : List.of("count", "share", "match")) {
      if (o.get(k) != null) {
        kinds.add(k);
      }
    }
    if (kinds.size() != 1) {
      err(
          path,
          "needs exactly one of count = { op, value }, share = { op, value } or match = any / all / none");
      return null;
    }
    if (users == null) {
      return null;
    }
    String kind = kinds.get(0);
    if (kind.equals("match")) {
      String m = text(o.get("match"), path + ".match", null);
      if (m == null || !Set.of("any", "all", "none").contains(m)) {
        err(path + ".match", "must be any, all or none");
        return null;
      }
      return new Cond.UserAggregate(users, AggregateKind.valueOf(m.toUpperCase()), FieldOp.GE, 0);
    }
    ConfigValue c = o.get(kind);
    if (c.valueType() != ConfigValueType.OBJECT) {
      err(path + "." + kind, "must be { op = ..., value = N }");
      return null;
    }
    ConfigObject co = (ConfigObject) c;
    unknownKeys(co, Set.of("op", "value"), path + "." + kind, "it has op and value");
    String opText = text(co.get("op"), path + "." + kind + ".op", null);
    Optional<FieldOp> op = opText == null ? Optional.empty() : FieldOp.of(opText);
    Set<FieldOp> comparisons =
        EnumSet.of(FieldOp.EQ, FieldOp.NE, FieldOp.LT, FieldOp.LE, FieldOp.GT, FieldOp.GE);
    if (op.isEmpty() || !comparisons.contains(op.get())) {
      err(
          path + "." + kind + ".op",
          (opText == null ? "is missing" : "'" + opText + "' does not fit a " + kind)
              + "; use =, !=, <, <=, >, >=");
      return null;
    }
    if (co.get("value") == null || co.get("value").valueType() != ConfigValueType.NUMBER) {
      err(path + "." + kind + ".value", "must be a number");
      return null;
    }
    double value = ((Number) co.get("value").unwrapped()).doubleValue();
    if (kind.equals("share") && (value < 0 || value > 100)) {
      err(path + ".share.value", "is a percentage: 0 to 100, not " + co.get("value").render());
      return null;
    }
    return new Cond.UserAggregate(
        users, kind.equals("count") ? AggregateKind.COUNT : AggregateKind.SHARE, op.get(), value);
  }

  private void err(String field, String message) {
    problems.error(field, message);
  }

  private void unknownKeys(ConfigObject o, Set<String> allowed, String path, String hint) {
    for (String k : new TreeSet<>(o.keySet())) {
      if (!allowed.contains(k)) {
        err(path + "." + k, "unknown key; " + hint);
      }
    }
  }

  private String text(ConfigValue v, String field, String fallback) {
    return text(v, field, fallback, problems);
  }

  /** A text value: {@code fallback} when absent, null (reported) when not text. */
  static String text(ConfigValue v, String field, String fallback, Problems problems) {
    if (v == null) {
      return fallback;
    }
    if (v.valueType() != ConfigValueType.STRING) {
      problems.error(field, "must be text, not " + v.render());
      return null;
    }
    return (String) v.unwrapped();
  }

  private int wholeNumber(ConfigValue v, String field, int min, int max) {
    if (v.valueType() != ConfigValueType.NUMBER || !(v.unwrapped() instanceof Integer)) {
      err(field, "must be a whole number, not " + v.render());
      return min;
    }
    int x = (Integer) v.unwrapped();
    if (x < min || x > max) {
      err(
          field,
          x
              + " is out of range "
              + min
              + ".."
              + max
              + (field.endsWith("within_days")
                  ? " (the daily rollup keeps "
                      + max
                      + " days: features.windows / total-users-window-days)"
                  : ""));
    }
    return x;
  }

  private static String others(Set<String> keys, String but) {
    return String.join(", ", keys.stream().filter(k -> !k.equals(but)).sorted().toList());
  }

  private static String typeName(Type t) {
    return switch (t) {
      case NUMBER -> "number";
      case STRING -> "text";
      case BOOLEAN -> "boolean";
      case TIMESTAMP -> "timestamp";
      case STRING_ARRAY -> "list";
      case MAP -> "map";
    };
  }

  private String suggestion(Entity entity, String field) {
    return closest(field, catalog.names(entity));
  }

  /** "; did you mean 'x'?" for the closest candidate within a few edits, else "". */
  public static String closest(String word, Set<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(word, c);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    return best != null && bestDistance <= Math.max(2, word.length() / 3)
        ? "; did you mean '" + best + "'?"
        : "";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        cur[j] =
            Math.min(
                Math.min(cur[j - 1] + 1, prev[j] + 1),
                prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
