package dev.segments.common.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.segments.common.config.ExportSettings.Destination;
import dev.segments.common.config.ExportSettings.Type;
import dev.segments.common.segments.FieldCatalog;
import dev.segments.common.segments.SegmentDefinition.Entity;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code exports.destinations.*} into {@link ExportSettings}, each destination over {@code
 * exports.defaults.<type>}, collecting every problem as {@code key = value (origin): reason}.
 * Segment selectors are checked for syntax here and against the segment definitions by the export
 * stage before it starts (definitions live in their own files); credential variables likewise.
 */
final class ExportConfigReader {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]*");
  private static final Pattern SELECTOR = Pattern.compile("kind:[a-z]+|[a-z0-9_*?]+");
  private static final Set<String> KINDS = Set.of("standard", "suggested", "custom");
  private static final Set<String> FORMATS = Set.of("csv", "ndjson");

  /** Keys every destination has; the rest of a type's defaults are its own options. */
  private static final Set<String> COMMON_KEYS =
      Set.of(
          "type",
          "enabled",
          "segments",
          "entities",
          "workspace",
          "fields",
          "user-id-column",
          "account-id-column",
          "base-url",
          "credential-env",
          "batch-size",
          "concurrency",
          "rate-limit.requests",
          "rate-limit.period",
          "timeout",
          "max-attempts",
          "backoff");

  private final List<String> problems;

  private ExportConfigReader(List<String> problems) {
    this.problems = problems;
  }

  static ExportSettings read(
      Config config,
      List<Integer> windows,
      List<TraitColumn> userTraits,
      List<TraitColumn> accountTraits,
      Set<String> workspaces,
      List<String> problems) {
    ExportConfigReader r = new ExportConfigReader(problems);
    FieldCatalog fields = new FieldCatalog(windows, userTraits, accountTraits);
    if (!config.hasPath("exports.destinations")) {
      return ExportSettings.none();
    }
    ConfigValue all = config.getValue("exports.destinations");
    if (all.valueType() != ConfigValueType.OBJECT) {
      r.problem(config, "exports.destinations", all.render(), "must be an object of name { ... }");
      return ExportSettings.none();
    }
    List<Destination> destinations = new ArrayList<>();
    for (String name : new java.util.TreeSet<>(((ConfigObject) all).keySet())) {
      String key = "exports.destinations.\"" + name + "\"";
      if (!NAME.matcher(name).matches()) {
        r.problem(config, key, "{...}", "a destination's name must match [a-z][a-z0-9_-]*");
        continue;
      }
      if (config.getValue(key).valueType() != ConfigValueType.OBJECT) {
        r.problem(config, key, config.getValue(key).render(), "must be an object { type = ... }");
        continue;
      }
      Config own = config.getConfig(key);
      if (!own.hasPath("type")) {
        problems.add(key + ".type is missing: one of hubspot, intercom, segment, files");
        continue;
      }
      String typeName = own.getValue("type").unwrapped().toString();
      java.util.Optional<Type> type = Type.fromKey(typeName.toLowerCase(Locale.ROOT));
      if (type.isEmpty()) {
        r.problem(
            config,
            key + ".type",
            typeName,
            "unknown type; one of hubspot, intercom, segment, files");
        continue;
      }
      Config defaults = config.getConfig("exports.defaults." + type.get().key());
      for (Map.Entry<String, ConfigValue> e : own.entrySet()) {
        if (!e.getKey().equals("type") && !defaults.hasPathOrNull(e.getKey())) {
          problems.add(
              "unknown key '"
                  + key
                  + "."
                  + e.getKey()
                  + "' ("
                  + e.getValue().origin().description()
                  + "); a "
                  + type.get().key()
                  + " destination's keys and defaults are in reference.conf under exports.defaults."
                  + type.get().key());
        }
      }
      Destination d =
          r.destination(name, key, type.get(), own.withFallback(defaults), fields, workspaces);
      if (d != null) {
        destinations.add(d);
      }
    }
    return new ExportSettings(destinations);
  }

  private Destination destination(
      String name, String key, Type type, Config c, FieldCatalog catalog, Set<String> workspaces) {
    int before = problems.size();
    boolean enabled = bool(c, key, "enabled");
    List<String> segments = strings(c, key, "segments");
    for (String s : segments) {
      if (!SELECTOR.matcher(s).matches()) {
        problem(
            c,
            "segments",
            key,
            s,
            "a selector is a segment id, a glob such as trial_* or kind:<standard|suggested|custom>");
      } else if (s.startsWith("kind:") && !KINDS.contains(s.substring(5))) {
        problem(c, "segments", key, s, "unknown kind; one of standard, suggested, custom");
      }
    }
    if (segments.isEmpty()) {
      problem(c, "segments", key, "[]", "must select at least one segment");
    }
    List<Entity> entities = new ArrayList<>();
    for (String e : strings(c, key, "entities")) {
      switch (e) {
        case "user" -> entities.add(Entity.USER);
        case "account" -> entities.add(Entity.ACCOUNT);
        default -> problem(c, "entities", key, e, "must be user or account");
      }
    }
    if (entities.isEmpty() && problems.size() == before) {
      problem(c, "entities", key, "[]", "must list user, account or both");
    }
    String workspace = string(c, key, "workspace");
    if (workspace != null && !workspaces.contains(workspace)) {
      problem(
          c,
          "workspace",
          key,
          workspace,
          "no such workspace; workspaces are "
              + String.join(", ", new java.util.TreeSet<>(workspaces)));
    }
    List<String> fields = strings(c, key, "fields");
    for (String f : fields) {
      boolean known =
          entities.stream()
              .anyMatch(e -> !f.startsWith("traits.") && catalog.type(e, f).isPresent());
      if (!known) {
        problem(
            c,
            "fields",
            key,
            f,
            "not a field of "
                + String.join(" or ", entities.stream().map(e -> e.key).toList())
                + " (features, traits and scores; docs/segments.md lists them)");
      }
    }
    String userId = string(c, key, "user-id-column");
    String accountId = string(c, key, "account-id-column");
    if (userId != null
        && !userId.equals("user_id")
        && catalog.type(Entity.USER, userId).isEmpty()) {
      problem(
          c, "user-id-column", key, userId, "must be user_id or a user trait column such as email");
    }
    if (accountId != null
        && !accountId.equals("account_id")
        && catalog.type(Entity.ACCOUNT, accountId).isEmpty()) {
      problem(
          c, "account-id-column", key, accountId, "must be account_id or an account trait column");
    }
    String baseUrl = type == Type.FILES ? "" : string(c, key, "base-url");
    if (baseUrl != null && type != Type.FILES) {
      try {
        URI u = URI.create(baseUrl);
        if (u.getScheme() == null
            || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
            || u.getHost() == null) {
          problem(c, "base-url", key, baseUrl, "must be an http(s) URL");
        }
      } catch (IllegalArgumentException e) {
        problem(c, "base-url", key, baseUrl, "must be an http(s) URL");
      }
    }
    String credentialEnv = string(c, key, "credential-env");
    if (type != Type.FILES && credentialEnv != null && credentialEnv.isBlank()) {
      problem(
          c, "credential-env", key, "\"\"", "must name the environment variable of the credential");
    }
    int maxBatch =
        switch (type) {
          case HUBSPOT -> 100;
          case INTERCOM -> 50;
          case SEGMENT -> 2500;
          case FILES -> 1_000_000;
        };
    int batchSize = intBetween(c, key, "batch-size", 1, maxBatch);
    int concurrency = intBetween(c, key, "concurrency", 1, 64);
    int requests = intBetween(c, key, "rate-limit.requests", 1, 1_000_000);
    Duration period = duration(c, key, "rate-limit.period");
    Duration timeout = duration(c, key, "timeout");
    int maxAttempts = intBetween(c, key, "max-attempts", 1, 100);
    Duration backoff = duration(c, key, "backoff");
    Map<String, String> options = new LinkedHashMap<>();
    for (String k : new java.util.TreeSet<>(c.root().keySet())) {
      if (COMMON_KEYS.contains(k) || k.equals("rate-limit")) {
        continue;
      }
      ConfigValue v = c.getValue(k);
      if (v.valueType() == ConfigValueType.LIST) {
        options.put(k, String.join(",", strings(c, key, k)));
      } else if (v.valueType() == ConfigValueType.OBJECT) {
        problem(c, k, key, v.render(), "must be a single value");
      } else {
        options.put(k, c.getString(k));
      }
    }
    if (type == Type.FILES) {
      if (options.getOrDefault("path", "").isBlank()) {
        problem(c, "path", key, "\"\"", "must name the folder the files go to");
      }
      for (String f : options.getOrDefault("formats", "").split(",")) {
        if (!FORMATS.contains(f)) {
          problem(c, "formats", key, f, "must list csv and/or ndjson");
        }
      }
    }
    if (problems.size() > before) {
      return null;
    }
    return new Destination(
        name,
        type,
        enabled,
        segments,
        entities,
        workspace,
        fields,
        userId,
        accountId,
        baseUrl == null ? "" : baseUrl.replaceAll("/+$", ""),
        credentialEnv,
        batchSize,
        concurrency,
        requests,
        period,
        timeout,
        maxAttempts,
        backoff,
        options);
  }

  private void problem(Config c, String key, String prefix, Object value, String reason) {
    String origin = c.hasPath(key) ? c.getValue(key).origin().description() : "not set";
    problems.add(prefix + "." + key + " = " + value + " (" + origin + "): " + reason);
  }

  private void problem(Config c, String key, Object value, String reason) {
    String origin = c.hasPath(key) ? c.getValue(key).origin().description() : "not set";
    problems.add(key + " = " + value + " (" + origin + "): " + reason);
  }

  private boolean bool(Config c, String prefix, String key) {
    try {
      return c.getBoolean(key);
    } catch (ConfigException e) {
      problem(
          c, key, prefix, c.hasPath(key) ? c.getValue(key).render() : "", "must be true or false");
      return false;
    }
  }

  private String string(Config c, String prefix, String key) {
    try {
      return c.getString(key);
    } catch (ConfigException e) {
      problem(
          c, key, prefix, c.hasPath(key) ? c.getValue(key).render() : "", "must be a single value");
      return null;
    }
  }

  private List<String> strings(Config c, String prefix, String key) {
    try {
      return c.getStringList(key);
    } catch (ConfigException e) {
      problem(c, key, prefix, c.hasPath(key) ? c.getValue(key).render() : "", "must be a list");
      return List.of();
    }
  }

  private int intBetween(Config c, String prefix, String key, int min, int max) {
    try {
      int v = c.getInt(key);
      if (v < min || v > max) {
        problem(c, key, prefix, v, "must be between " + min + " and " + max);
      }
      return v;
    } catch (ConfigException e) {
      problem(
          c,
          key,
          prefix,
          c.hasPath(key) ? c.getValue(key).render() : "",
          "must be a whole number between " + min + " and " + max);
      return min;
    }
  }

  private Duration duration(Config c, String prefix, String key) {
    try {
      Duration d = c.getDuration(key);
      if (d.isNegative()) {
        problem(c, key, prefix, c.getValue(key).render(), "must not be negative");
      }
      return d;
    } catch (ConfigException e) {
      problem(
          c,
          key,
          prefix,
          c.hasPath(key) ? c.getValue(key).render() : "",
          "must be a duration such as 30s or 200ms");
      return Duration.ZERO;
    }
  }
}
