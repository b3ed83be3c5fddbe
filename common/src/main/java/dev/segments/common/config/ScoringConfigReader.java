package dev.segments.common.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.segments.common.segments.Cond;
import dev.segments.common.segments.ConditionParser;
import dev.segments.common.segments.FieldCatalog;
import dev.segments.common.segments.SegmentDefinition.Entity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code scoring.*} into {@link ScoringSettings}, collecting every problem as {@code key =
 * value (origin): reason}. Each workspace is read over {@code scoring.workspace-defaults}.
 */
final class ScoringConfigReader {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Set<String> FEATURE_KEYS = Set.of("importance", "events", "weights");
  private static final Set<String> STEP_KEYS =
      Set.of(
          "name",
          "event",
          "at-least",
          "within-days",
          "field",
          "op",
          "value",
          "days",
          "active-days");
  private static final Set<Integer> PERIODS = Set.of(1, 7, 30);

  private final List<String> problems;
  private final List<Integer> windows;
  private final int longestWindow;
  private final FieldCatalog fields;

  private ScoringConfigReader(
      List<String> problems, List<Integer> windows, int longestWindow, FieldCatalog fields) {
    this.problems = problems;
    this.windows = windows;
    this.longestWindow = longestWindow;
    this.fields = fields;
  }

  /**
   * Reads the scoring section; problems are added to {@code problems}. Populations and trait steps
   * are conditions of the segment language, checked against the fields these windows and traits
   * give the feature tables.
   */
  static ScoringSettings read(
      Config config,
      List<Integer> windows,
      int longestWindow,
      List<TraitColumn> userTraits,
      List<TraitColumn> accountTraits,
      List<String> problems) {
    ScoringConfigReader r =
        new ScoringConfigReader(
            problems, windows, longestWindow, new FieldCatalog(windows, userTraits, accountTraits));
    int accuracy = 10_000;
    try {
      accuracy = config.getInt("scoring.percentile-accuracy");
      if (accuracy < 100 || accuracy > 10_000_000) {
        r.problem(
            config, "scoring.percentile-accuracy", accuracy, "must be between 100 and 10000000");
      }
    } catch (ConfigException e) {
      r.problem(
          config,
          "scoring.percentile-accuracy",
          render(config, "scoring.percentile-accuracy"),
          "must be a whole number between 100 and 10000000");
    }
    List<Workspace> workspaces = new ArrayList<>();
    if (!config.hasPath("scoring.workspaces")
        || config.getValue("scoring.workspaces").valueType() != ConfigValueType.OBJECT) {
      r.problem(
          config,
          "scoring.workspaces",
          render(config, "scoring.workspaces"),
          "must be an object of workspace name = { ... }");
      return new ScoringSettings(workspaces, accuracy);
    }
    Config defaults = config.getConfig("scoring.workspace-defaults");
    ConfigObject all = config.getObject("scoring.workspaces");
    List<String> names = new ArrayList<>(new java.util.TreeSet<>(all.keySet()));
    if (!names.contains("default")) {
      r.problem(config, "scoring.workspaces", all.render(), "must contain the workspace 'default'");
    } else {
      names.remove("default");
      names.add(0, "default");
    }
    for (String name : names) {
      String prefix = "scoring.workspaces." + name;
      if (!NAME.matcher(name).matches()) {
        r.problem(config, prefix, "{...}", "workspace name must match [a-z][a-z0-9_]*");
        continue;
      }
      if (all.get(name).valueType() != ConfigValueType.OBJECT) {
        r.problem(
            config, prefix, all.get(name).render(), "must be an object of workspace settings");
        continue;
      }
      Config own = config.getConfig(prefix);
      r.unknownKeys(own, defaults, prefix);
      Workspace ws = r.workspace(name, prefix, own.withFallback(defaults));
      if (ws != null) {
        workspaces.add(ws);
      }
    }
    return new ScoringSettings(workspaces, accuracy);
  }

  private void unknownKeys(Config own, Config defaults, String prefix) {
    for (Map.Entry<String, ConfigValue> e : own.entrySet()) {
      String key = e.getKey();
      List<String> parts = com.typesafe.config.ConfigUtil.splitPath(key);
      boolean known;
      if (parts.get(0).equals("features")) {
        known =
            parts.size() >= 3
                && FEATURE_KEYS.contains(parts.get(2))
                && (parts.size() == 3 || parts.get(2).equals("weights"));
      } else if (parts.get(0).equals("population")) {
        known = true; // a condition of the segment language: its parser names unknown keys
      } else {
        known = defaults.hasPathOrNull(key);
      }
      if (!known) {
        problems.add(
            "unknown key '"
                + prefix
                + "."
                + key
                + "' ("
                + e.getValue().origin().description()
                + "); workspace keys and their defaults are in reference.conf under scoring.workspace-defaults");
      }
    }
  }

  private Workspace workspace(String name, String prefix, Config c) {
    int before = problems.size();
    int period = intIn(c, prefix, "period-days", 1, 30);
    if (!PERIODS.contains(period)) {
      problem(c, prefix, "period-days", period, "must be 1, 7 or 30");
    } else if (!windows.contains(period)) {
      problem(
          c,
          prefix,
          "period-days",
          period,
          "must be one of features.windows " + windows + " (scores read the feature windows)");
    }
    Workspace.Normalization normalization =
        enumValue(
            c,
            prefix,
            "normalization",
            Workspace.Normalization.class,
            Workspace.Normalization.EXPONENTIAL);
    List<Workspace.ScoredFeature> features = features(c, prefix);
    Optional<Cond> population = Optional.empty();
    if (c.hasPath("population")) {
      ConfigValue p = c.getValue("population");
      if (p.valueType() != ConfigValueType.OBJECT) {
        problem(
            c,
            prefix,
            "population",
            p.render(),
            "must be a user condition { ... } of the segment language, or null");
      } else {
        population =
            Optional.ofNullable(
                condition(p, prefix, "population", Entity.USER, ConditionParser.Scope.POPULATION));
      }
    }
    List<ActivationStep> userSteps = steps(c, prefix, "activation.user");
    List<ActivationStep> accountSteps = steps(c, prefix, "activation.account");
    Workspace.Bands bands = bands(c, prefix);
    return problems.size() > before
        ? null
        : new Workspace(
            name, period, normalization, features, population, userSteps, accountSteps, bands);
  }

  private List<Workspace.ScoredFeature> features(Config c, String prefix) {
    List<Workspace.ScoredFeature> out = new ArrayList<>();
    int defaultImportance = intIn(c, prefix, "feature-importance", 1, 10);
    double defaultWeight = numberIn(c, prefix, "event-weight", 0, 10);
    if (c.getValue("features").valueType() != ConfigValueType.OBJECT) {
      problem(
          c,
          prefix,
          "features",
          c.getValue("features").render(),
          "must be an object of feature name = { importance, events, weights }");
      return out;
    }
    Map<String, String> featureOfEvent = new HashMap<>();
    for (String feature : new java.util.TreeSet<>(c.getObject("features").keySet())) {
      String key = com.typesafe.config.ConfigUtil.joinPath("features", feature);
      if (!NAME.matcher(feature).matches()) {
        problem(c, prefix, key, "{...}", "feature name must match [a-z][a-z0-9_]*");
        continue;
      }
      if (c.getValue(key).valueType() != ConfigValueType.OBJECT) {
        problem(
            c,
            prefix,
            key,
            c.getValue(key).render(),
            "must be { importance = 1..10, events = [...], weights { event = 0..10 } }");
        continue;
      }
      int importance =
          c.hasPath(key + ".importance")
              ? intIn(c, prefix, key + ".importance", 1, 10)
              : defaultImportance;
      List<String> events = List.of();
      if (!c.hasPath(key + ".events")) {
        problem(
            c,
            prefix,
            key + ".events",
            "not set",
            "list the feature's events, e.g. events = [report_created, report_viewed]");
      } else {
        try {
          events = c.getStringList(key + ".events");
          if (events.isEmpty()) {
            problem(c, prefix, key + ".events", "[]", "must list at least one event");
          }
        } catch (ConfigException.WrongType e) {
          problem(
              c,
              prefix,
              key + ".events",
              c.getValue(key + ".events").render(),
              "must be a list of event names");
        }
      }
      Map<String, Double> weights = new LinkedHashMap<>();
      for (String event : events) {
        String previous = featureOfEvent.putIfAbsent(event, feature);
        if (previous != null) {
          problem(
              c,
              prefix,
              key + ".events",
              events,
              "event '"
                  + event
                  + "' is already in feature '"
                  + previous
                  + "' (an event belongs to one feature)");
        }
        weights.put(event, defaultWeight);
      }
      if (c.hasPath(key + ".weights")) {
        if (c.getValue(key + ".weights").valueType() != ConfigValueType.OBJECT) {
          problem(
              c,
              prefix,
              key + ".weights",
              c.getValue(key + ".weights").render(),
              "must be an object of event = weight 0..10");
        } else {
          for (Map.Entry<String, ConfigValue> w : c.getObject(key + ".weights").entrySet()) {
            String wkey = key + ".weights." + com.typesafe.config.ConfigUtil.joinPath(w.getKey());
            if (!weights.containsKey(w.getKey())) {
              problem(
                  c,
                  prefix,
                  wkey,
                  w.getValue().render(),
                  "event '" + w.getKey() + "' is not in this feature's events " + events);
              continue;
            }
            if (w.getValue().valueType() != ConfigValueType.NUMBER) {
              problem(
                  c,
                  prefix,
                  wkey,
                  w.getValue().render(),
                  "must be a number from 0 to 10 (0 = not scored)");
              continue;
            }
            double weight = ((Number) w.getValue().unwrapped()).doubleValue();
            if (weight < 0 || weight > 10) {
              problem(c, prefix, wkey, weight, "must be from 0 to 10 (0 = not scored)");
            }
            weights.put(w.getKey(), weight);
          }
        }
      }
      out.add(new Workspace.ScoredFeature(feature, importance, weights));
    }
    return out;
  }

  private List<ActivationStep> steps(Config c, String prefix, String key) {
    List<ActivationStep> out = new ArrayList<>();
    List<? extends ConfigObject> items;
    try {
      items = c.getObjectList(key);
    } catch (ConfigException.WrongType e) {
      problem(
          c,
          prefix,
          key,
          c.getValue(key).render(),
          "must be a list of steps { event = ..., at-least = N } / { field = ..., op = ..., value = ... } / { active-days = N, within-days = W }");
      return out;
    }
    Set<String> names = new java.util.HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      ConfigObject item = items.get(i);
      Config s = item.toConfig();
      String where = prefix + "." + key + "[" + i + "]";
      for (String k : item.keySet()) {
        if (!STEP_KEYS.contains(k)) {
          problems.add(
              where
                  + "."
                  + k
                  + " = "
                  + item.get(k).render()
                  + " ("
                  + item.get(k).origin().description()
                  + "): unknown key; a step has "
                  + String.join(", ", new java.util.TreeSet<>(STEP_KEYS)));
        }
      }
      int kinds =
          (s.hasPath("event") ? 1 : 0)
              + (s.hasPath("field") ? 1 : 0)
              + (s.hasPath("active-days") ? 1 : 0);
      if (kinds != 1) {
        problems.add(
            where
                + " = "
                + item.render()
                + " ("
                + item.origin().description()
                + "): a step needs exactly one of event (with at-least), field (with op, value) or active-days");
        continue;
      }
      Optional<Integer> within = Optional.empty();
      if (s.hasPath("within-days")) {
        try {
          int w = s.getInt("within-days");
          if (!windows.contains(w)) {
            problems.add(
                where
                    + ".within-days = "
                    + w
                    + " ("
                    + s.getValue("within-days").origin().description()
                    + "): must be one of features.windows "
                    + windows);
          }
          within = Optional.of(w);
        } catch (ConfigException.WrongType e) {
          problems.add(
              where
                  + ".within-days = "
                  + s.getValue("within-days").render()
                  + " ("
                  + s.getValue("within-days").origin().description()
                  + "): must be a whole number of days from features.windows "
                  + windows);
        }
      }
      ActivationStep step = null;
      if (s.hasPath("event")) {
        String event = stepString(s, where, "event");
        long atLeast = stepCount(s, where, "at-least");
        if (event != null) {
          step =
              new ActivationStep(
                  s.hasPath("name")
                      ? s.getString("name")
                      : event
                          + "_at_least_"
                          + atLeast
                          + within.map(w -> "_in_" + w + "d").orElse(""),
                  ActivationStep.Kind.EVENT,
                  event,
                  atLeast,
                  within,
                  Optional.empty());
        }
      } else if (s.hasPath("active-days")) {
        long days = stepCount(s, where, "active-days");
        if (within.isEmpty()) {
          problems.add(
              where
                  + " = "
                  + item.render()
                  + " ("
                  + item.origin().description()
                  + "): an active-days step needs within-days (one of features.windows "
                  + windows
                  + ")");
        } else {
          step =
              new ActivationStep(
                  s.hasPath("name")
                      ? s.getString("name")
                      : "active_" + days + "_days_in_" + within.get() + "d",
                  ActivationStep.Kind.ACTIVE_DAYS,
                  null,
                  days,
                  within,
                  Optional.empty());
        }
      } else {
        if (within.isPresent()) {
          problems.add(
              where
                  + ".within-days = "
                  + within.get()
                  + " ("
                  + item.origin().description()
                  + "): within-days does not apply to a field step");
        }
        Cond cond =
            condition(
                item.withoutKey("name").withoutKey("within-days"),
                prefix,
                key + "[" + i + "]",
                key.endsWith("account") ? Entity.ACCOUNT : Entity.USER,
                ConditionParser.Scope.STEP);
        if (cond instanceof Cond.Field f) {
          step =
              new ActivationStep(
                  s.hasPath("name")
                      ? s.getString("name")
                      : f.field() + "_" + f.op().name().toLowerCase(Locale.ROOT),
                  ActivationStep.Kind.TRAIT,
                  null,
                  0,
                  Optional.empty(),
                  Optional.of(cond));
        }
      }
      if (step != null) {
        if (!names.add(step.name())) {
          problems.add(
              where
                  + ".name = "
                  + step.name()
                  + " ("
                  + item.origin().description()
                  + "): two steps have this name; give one of them another name");
        }
        out.add(step);
      }
    }
    return out;
  }

  private String stepString(Config s, String where, String key) {
    ConfigValue v = s.getValue(key);
    if (v.valueType() != ConfigValueType.STRING || ((String) v.unwrapped()).isBlank()) {
      problems.add(
          where
              + "."
              + key
              + " = "
              + v.render()
              + " ("
              + v.origin().description()
              + "): must be a non-empty name");
      return null;
    }
    return (String) v.unwrapped();
  }

  private long stepCount(Config s, String where, String key) {
    if (!s.hasPath(key)) {
      problems.add(
          where
              + "."
              + key
              + " is missing ("
              + s.root().origin().description()
              + "): give a whole number of at least 1");
      return 1;
    }
    ConfigValue v = s.getValue(key);
    if (v.valueType() != ConfigValueType.NUMBER
        || !(v.unwrapped() instanceof Integer || v.unwrapped() instanceof Long)
        || ((Number) v.unwrapped()).longValue() < 1) {
      problems.add(
          where
              + "."
              + key
              + " = "
              + v.render()
              + " ("
              + v.origin().description()
              + "): must be a whole number of at least 1");
      return 1;
    }
    return ((Number) v.unwrapped()).longValue();
  }

  /**
   * A condition of the segment language at {@code prefix.path}, parsed by the one parser; each
   * problem is reported as {@code prefix.path... (origin): message}.
   */
  private Cond condition(
      ConfigValue value, String prefix, String path, Entity entity, ConditionParser.Scope scope) {
    String origin = value.origin().description();
    ConditionParser parser =
        new ConditionParser(
            fields,
            longestWindow,
            Set.of(),
            scope,
            new ConditionParser.Problems() {
              @Override
              public void error(String at, String message) {
                problems.add(prefix + "." + at + " (" + origin + "): " + message);
              }

              @Override
              public void warning(String at, String message) {
                // Event names are not checked against the features here (the features are read
                // alongside).
              }
            });
    return parser.parse(value, path, entity);
  }

  private Workspace.Bands bands(Config c, String prefix) {
    Workspace.BandMode mode =
        enumValue(c, prefix, "bands.mode", Workspace.BandMode.class, Workspace.BandMode.FIXED);
    int most = intIn(c, prefix, "bands.most-engaged", 2, 100);
    int slightly = intIn(c, prefix, "bands.slightly-engaged", 2, 100);
    int passive = intIn(c, prefix, "bands.passive", 2, 100);
    if (!(most > slightly && slightly > passive)) {
      problem(
          c,
          prefix,
          "bands",
          List.of(most, slightly, passive),
          "most-engaged > slightly-engaged > passive is required");
    }
    int trend = intIn(c, prefix, "bands.trend-threshold", 1, 100);
    List<Integer> inactive = List.of(30, 60);
    try {
      inactive = c.getIntList("bands.recently-inactive-days");
      if (inactive.size() != 2 || inactive.get(0) < 0 || inactive.get(0) > inactive.get(1)) {
        problem(
            c,
            prefix,
            "bands.recently-inactive-days",
            inactive,
            "must be [from, to] days with 0 <= from <= to");
        inactive = List.of(30, 60);
      }
    } catch (ConfigException.WrongType e) {
      problem(
          c,
          prefix,
          "bands.recently-inactive-days",
          c.getValue("bands.recently-inactive-days").render(),
          "must be [from, to] days");
    }
    int mature = intIn(c, prefix, "bands.mature-days", 1, 36_600);
    int multi = intIn(c, prefix, "bands.multi-user-active-users", 1, 1_000_000);
    return new Workspace.Bands(
        mode, most, slightly, passive, trend, inactive.get(0), inactive.get(1), mature, multi);
  }

  private int intIn(Config c, String prefix, String key, int min, int max) {
    try {
      int v = c.getInt(key);
      if (v < min || v > max) {
        problem(c, prefix, key, v, "must be between " + min + " and " + max);
      }
      return v;
    } catch (ConfigException e) {
      problem(
          c, prefix, key, render(c, key), "must be a whole number between " + min + " and " + max);
      return min;
    }
  }

  private double numberIn(Config c, String prefix, String key, double min, double max) {
    try {
      double v = c.getDouble(key);
      if (v < min || v > max) {
        problem(c, prefix, key, v, "must be from " + min + " to " + max);
      }
      return v;
    } catch (ConfigException e) {
      problem(c, prefix, key, render(c, key), "must be a number from " + min + " to " + max);
      return 1.0;
    }
  }

  private <E extends Enum<E>> E enumValue(
      Config c, String prefix, String key, Class<E> type, E fallback) {
    String text = c.hasPath(key) ? c.getValue(key).unwrapped().toString() : "";
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(text)) {
        return e;
      }
    }
    List<String> valid =
        java.util.Arrays.stream(type.getEnumConstants())
            .map(e -> e.name().toLowerCase(Locale.ROOT))
            .toList();
    problem(c, prefix, key, render(c, key), "must be one of " + String.join(", ", valid));
    return fallback;
  }

  private void problem(Config c, String key, Object value, String reason) {
    String origin = c.hasPath(key) ? c.getValue(key).origin().description() : "not set";
    problems.add(key + " = " + value + " (" + origin + "): " + reason);
  }

  private void problem(Config c, String prefix, String key, Object value, String reason) {
    String origin = c.hasPath(key) ? c.getValue(key).origin().description() : "not set";
    problems.add(prefix + "." + key + " = " + value + " (" + origin + "): " + reason);
  }

  private static String render(Config c, String key) {
    return c.hasPath(key) ? c.getValue(key).render() : "not set";
  }
}
