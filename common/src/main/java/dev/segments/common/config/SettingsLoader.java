package dev.segments.common.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Loads the run's configuration and turns it into {@link Settings}.
 *
 * <p>Layers, strongest first: {@code -Dkey=value} overrides, the deployment's file ({@code --config
 * FILE}, else {@code conf/application.conf} if present), then {@code reference.conf}. Environment
 * variables enter through {@code ${?VAR}} substitutions. JVM system properties are deliberately not
 * merged: spark-submit sets many {@code spark.*} ones that are not ours.
 *
 * <p>Every value is read eagerly; all problems are collected and reported together, each naming the
 * key, the value, the file and line, and what is valid.
 */
public final class SettingsLoader {

  /** The file used when no --config is given and it exists. */
  public static final Path DEFAULT_CONFIG_FILE = Path.of("conf", "application.conf");

  /** Sections whose keys are the user's own (no fixed schema in reference.conf). */
  private static final List<String> OPEN_SECTIONS =
      List.of(
          "traits.user.",
          "traits.account.",
          "spark.conf.",
          "scoring.workspaces.",
          "exports.destinations.");

  private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]*");

  /**
   * The columns a configured user trait may not take: every other column of the tables that carry
   * the user trait columns (so that a trait named like a product column, {@code last_seen} or
   * {@code active_days_7d}, is kept apart from it), and {@code days_since_created}, which the
   * segments derive from {@code created_at}.
   */
  private static final Map<String, List<dev.segments.common.tables.ColumnSpec>>
      RESERVED_USER_COLUMNS =
          reserved(
              dev.segments.common.tables.TableCatalog.USER_TRAITS,
              dev.segments.common.tables.TableCatalog.USER_TRAITS_HISTORY,
              dev.segments.common.tables.TableCatalog.USER_FEATURES);

  private static final Map<String, List<dev.segments.common.tables.ColumnSpec>>
      RESERVED_ACCOUNT_COLUMNS =
          reserved(
              dev.segments.common.tables.TableCatalog.ACCOUNT_TRAITS,
              dev.segments.common.tables.TableCatalog.ACCOUNT_TRAITS_HISTORY,
              dev.segments.common.tables.TableCatalog.ACCOUNT_FEATURES);

  /** Table name to its columns other than the trait columns. */
  private static Map<String, List<dev.segments.common.tables.ColumnSpec>> reserved(
      dev.segments.common.tables.TableSpec... tables) {
    Map<String, List<dev.segments.common.tables.ColumnSpec>> out = new LinkedHashMap<>();
    for (dev.segments.common.tables.TableSpec t : tables) {
      out.put(t.name(), t.columns().stream().filter(c -> !c.isTraits()).toList());
    }
    out.put(
        "the segments (derived from created_at)",
        List.of(dev.segments.common.tables.ColumnSpec.of("days_since_created", "int", "")));
    return out;
  }

  private SettingsLoader() {}

  /** Loads and validates; throws {@link InvalidConfigException} naming every problem. */
  public static Settings load(Optional<Path> configFile, Map<String, String> overrides) {
    return read(loadConfig(configFile, overrides));
  }

  /** The merged, resolved configuration (before validation into records). */
  public static Config loadConfig(Optional<Path> configFile, Map<String, String> overrides) {
    Config reference = ConfigFactory.defaultReference();
    Config deployment = ConfigFactory.empty();
    Optional<Path> file =
        configFile.isPresent()
            ? configFile
            : Files.isRegularFile(DEFAULT_CONFIG_FILE)
                ? Optional.of(DEFAULT_CONFIG_FILE)
                : Optional.empty();
    if (file.isPresent()) {
      Path path = file.get();
      if (!Files.isRegularFile(path)) {
        throw new InvalidConfigException(
            List.of("config file " + path + " does not exist (check --config)"));
      }
      try {
        deployment =
            ConfigFactory.parseFile(
                path.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
      } catch (ConfigException e) {
        throw new InvalidConfigException(List.of("cannot parse " + path + ": " + e.getMessage()));
      }
    }
    Config commandLine = overrides(overrides);
    Config merged = commandLine.withFallback(deployment).withFallback(reference);
    try {
      // Each layer resolved against the whole, so that its keys can be listed (a layer may
      // refer to keys of another: features = ${scoring.workspaces.default.features}).
      Config resolved = merged.resolve(ConfigResolveOptions.defaults());
      List<String> problems = new ArrayList<>();
      problems.addAll(unknownKeys(deployment.resolveWith(merged), reference));
      problems.addAll(unknownKeys(commandLine.resolveWith(merged), reference));
      if (!problems.isEmpty()) {
        throw new InvalidConfigException(problems);
      }
      return resolved;
    } catch (ConfigException e) {
      throw new InvalidConfigException(List.of(e.getMessage()));
    }
  }

  /**
   * -Dkey=value overrides. A value starting with [, { or " is read as HOCON (a list, an object or a
   * quoted string: -Dfeatures.windows=[1,7,30]); anything else is taken as a plain string (paths
   * such as s3a://bucket/x stay whole), converted to a number or boolean where the key needs one.
   */
  private static Config overrides(Map<String, String> overrides) {
    Config result = ConfigFactory.empty();
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      String value = e.getValue() == null ? "" : e.getValue().trim();
      try {
        Config one;
        if (value.startsWith("[") || value.startsWith("{") || value.startsWith("\"")) {
          one =
              ConfigFactory.parseString(
                      "v = " + value,
                      ConfigParseOptions.defaults().setOriginDescription("command line -D"))
                  .getValue("v")
                  .atPath(e.getKey());
        } else {
          one =
              ConfigFactory.parseMap(
                  Map.of(e.getKey(), e.getValue() == null ? "" : e.getValue()), "command line -D");
        }
        result = one.withFallback(result);
      } catch (ConfigException ex) {
        throw new InvalidConfigException(
            List.of("cannot parse -D" + e.getKey() + "=" + e.getValue() + ": " + ex.getMessage()));
      }
    }
    return result;
  }

  private static List<String> unknownKeys(Config layer, Config reference) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> entry : layer.entrySet()) {
      String key = entry.getKey();
      if (OPEN_SECTIONS.stream().anyMatch(key::startsWith)) {
        continue;
      }
      if (!reference.hasPathOrNull(key)) {
        problems.add(
            "unknown key '"
                + key
                + "' ("
                + entry.getValue().origin().description()
                + "); the keys and their defaults are in reference.conf (README: Configuration)");
      }
    }
    return problems;
  }

  /** Validates a resolved configuration into records; throws naming every problem. */
  public static Settings read(Config config) {
    Reader r = new Reader(config);
    String warehouse = r.nonEmptyString("warehouse.path");
    String database = r.string("catalog.database");
    if (database != null && !database.isEmpty() && !IDENTIFIER.matcher(database).matches()) {
      r.problem("catalog.database", database, "must match [a-z][a-z0-9_]* or be empty");
    }
    String inputPath = r.nonEmptyString("input.path");
    String format = r.string("input.format");
    InputSettings.InputFormat inputFormat = InputSettings.InputFormat.JSON;
    if (format != null) {
      switch (format.toLowerCase(Locale.ROOT)) {
        case "json" -> inputFormat = InputSettings.InputFormat.JSON;
        case "parquet" -> inputFormat = InputSettings.InputFormat.PARQUET;
        default -> r.problem("input.format", format, "must be json or parquet");
      }
    }
    boolean allowMissing = r.bool("input.allow-missing-day");
    int lookback = r.intBetween("ingest.lookback-days", 0, 365);
    int duplicateRankLimit = r.intBetween("ingest.duplicate-rank-limit", 1, 100_000_000);
    String withoutOffset = r.string("ingest.timestamps-without-offset");
    boolean rejectWithoutOffset = false;
    if (withoutOffset != null) {
      switch (withoutOffset.toLowerCase(Locale.ROOT)) {
        case "utc" -> rejectWithoutOffset = false;
        case "reject" -> rejectWithoutOffset = true;
        default ->
            r.problem(
                "ingest.timestamps-without-offset",
                withoutOffset,
                "must be utc (taken as UTC) or reject (rejected as timestamp_without_offset)");
      }
    }
    int writeThreads = r.intBetween("warehouse.write-threads", 1, 64);
    int lockWait = r.intBetween("warehouse.lock-wait-seconds", 0, 86_400);
    int compareThreads = r.intBetween("compare.threads", 1, 64);
    List<TraitColumn> userTraits = r.traits("traits.user", RESERVED_USER_COLUMNS);
    List<TraitColumn> accountTraits = r.traits("traits.account", RESERVED_ACCOUNT_COLUMNS);
    List<Integer> windows = r.windows("features.windows");
    int totalUsersWindow = r.intBetween("features.total-users-window-days", 1, 3660);
    int retention = r.intBetween("features.totals-retention-days", 1, 3660);
    String parentTrait = r.string("features.parent-trait");
    if (parentTrait == null) {
      parentTrait = "";
    } else if (!parentTrait.equals(parentTrait.strip())) {
      r.problem(
          "features.parent-trait",
          parentTrait,
          "has leading or trailing spaces; give the account trait's name as sent in group calls,"
              + " or \"\" for no hierarchy");
    }
    String master = r.nonEmptyString("spark.master");
    Map<String, String> sparkConf = r.stringMap("spark.conf");
    SparkSettings.GeneratedCode generatedCode = SparkSettings.GeneratedCode.AUTO;
    String codegen = r.string("spark.generated-code");
    if (codegen != null) {
      Optional<SparkSettings.GeneratedCode> mode =
          SparkSettings.GeneratedCode.fromConfigName(codegen.toLowerCase(Locale.ROOT));
      if (mode.isEmpty()) {
        r.problem("spark.generated-code", codegen, "must be auto, on or off");
      } else {
        generatedCode = mode.get();
      }
    }
    long generatedCodeMinBytes = r.bytes("spark.generated-code-min-bytes");
    if (generatedCode != SparkSettings.GeneratedCode.AUTO) {
      for (String key : SparkSettings.CODEGEN_KEYS) {
        if (sparkConf.containsKey(key)) {
          r.problem(
              "spark.generated-code",
              codegen,
              "conflicts with spark.conf.\""
                  + key
                  + "\" = "
                  + sparkConf.get(key)
                  + "; set only one of them (with auto, a spark.conf setting wins)");
        }
      }
    }
    ScoringSettings scoring =
        ScoringConfigReader.read(
            config,
            windows,
            Math.max(totalUsersWindow, windows.isEmpty() ? 1 : windows.get(windows.size() - 1)),
            userTraits,
            accountTraits,
            r.problems);
    String segmentsDir = r.nonEmptyString("segments.dir");
    ExportSettings exports =
        ExportConfigReader.read(
            config,
            windows,
            userTraits,
            accountTraits,
            scoring.workspaces().stream()
                .map(Workspace::name)
                .collect(java.util.stream.Collectors.toSet()),
            r.problems);
    MaintainSettings maintain = maintain(r, config, scoring);
    r.throwIfProblems();
    return new Settings(
        warehouse,
        database == null || database.isEmpty() ? Optional.empty() : Optional.of(database),
        writeThreads,
        lockWait,
        compareThreads,
        new InputSettings(inputPath, inputFormat, allowMissing),
        new IngestSettings(lookback, duplicateRankLimit, rejectWithoutOffset),
        userTraits,
        accountTraits,
        new FeatureSettings(windows, totalUsersWindow, retention, parentTrait),
        scoring,
        segmentsDir,
        new SparkSettings(master, sparkConf, generatedCode, generatedCodeMinBytes),
        exports,
        maintain);
  }

  /**
   * {@code maintain.*}: a class's days kept are 0 (every date) or enough for what the nightly run
   * reads back (scores read the scores of one scoring period before; a segment's changes compare
   * with its previous run date).
   */
  private static MaintainSettings maintain(Reader r, Config config, ScoringSettings scoring) {
    int vacuumHours = r.intBetween("maintain.vacuum-retention-hours", 0, 87_600);
    Map<dev.segments.common.tables.RetentionClass, Integer> keep =
        new java.util.EnumMap<>(dev.segments.common.tables.RetentionClass.class);
    String prefix = "maintain.keep-days";
    if (config.hasPath(prefix) && config.getValue(prefix).valueType() != ConfigValueType.OBJECT) {
      r.problem(prefix, config.getValue(prefix).render(), "must be an object of class = days");
      return new MaintainSettings(vacuumHours, keep);
    }
    if (!config.hasPath(prefix)) {
      return new MaintainSettings(vacuumHours, keep);
    }
    int longestPeriod =
        scoring.workspaces().stream().mapToInt(Workspace::periodDays).max().orElse(1);
    for (String name : config.getObject(prefix).keySet()) {
      String key = prefix + "." + name;
      Optional<dev.segments.common.tables.RetentionClass> c =
          dev.segments.common.tables.RetentionClass.fromConfigName(name);
      if (c.isEmpty()) {
        r.problem(
            key,
            config.getValue(key).render(),
            "is not a table class (snapshots, membership, rejected or logs)");
        continue;
      }
      int days = r.intBetween(key, 0, 36_600);
      int least =
          switch (c.get()) {
            case SNAPSHOTS -> longestPeriod + 1;
            case MEMBERSHIP -> 2;
            default -> 1;
          };
      if (days != 0 && days < least) {
        r.problem(
            key,
            days,
            "must be 0 (every date kept) or at least "
                + least
                + (c.get() == dev.segments.common.tables.RetentionClass.SNAPSHOTS
                    ? " (the score of a date reads the scores of one scoring period before:"
                        + " the longest scoring.workspaces period-days is "
                        + longestPeriod
                        + ")"
                    : c.get() == dev.segments.common.tables.RetentionClass.MEMBERSHIP
                        ? " (a segment's changes are taken against its previous run date)"
                        : ""));
      }
      keep.put(c.get(), days);
    }
    return new MaintainSettings(vacuumHours, keep);
  }

  /**
   * Converts a trait name such as {@code createdAt} or {@code Created At} to {@code created_at}.
   */
  public static String snakeCase(String name) {
    String s = name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    s = s.replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
    return s;
  }

  /** Reads values one by one, collecting problems instead of stopping at the first. */
  private static final class Reader {
    private final Config config;
    private final List<String> problems = new ArrayList<>();

    Reader(Config config) {
      this.config = config;
    }

    void problem(String key, Object value, String reason) {
      String origin = config.hasPath(key) ? config.getValue(key).origin().description() : "not set";
      problems.add(key + " = " + value + " (" + origin + "): " + reason);
    }

    void throwIfProblems() {
      if (!problems.isEmpty()) {
        throw new InvalidConfigException(problems);
      }
    }

    private boolean present(String key) {
      if (!config.hasPathOrNull(key) || config.getIsNull(key)) {
        problems.add(
            key + " is missing (set it in conf/application.conf or with -D" + key + "=...)");
        return false;
      }
      return true;
    }

    String string(String key) {
      if (!present(key)) {
        return null;
      }
      ConfigValue value = config.getValue(key);
      if (value.valueType() == ConfigValueType.OBJECT
          || value.valueType() == ConfigValueType.LIST) {
        problem(
            key,
            value.render(),
            "must be a single value, not " + value.valueType().name().toLowerCase(Locale.ROOT));
        return null;
      }
      return config.getString(key);
    }

    String nonEmptyString(String key) {
      String value = string(key);
      if (value != null && value.isBlank()) {
        problem(key, "\"" + value + "\"", "must not be empty");
      }
      return value;
    }

    boolean bool(String key) {
      if (!present(key)) {
        return false;
      }
      try {
        return config.getBoolean(key);
      } catch (ConfigException.WrongType e) {
        problem(key, config.getValue(key).render(), "must be true or false");
        return false;
      }
    }

    int intBetween(String key, int min, int max) {
      if (!present(key)) {
        return min;
      }
      try {
        int value = config.getInt(key);
        if (value < min || value > max) {
          problem(key, value, "must be between " + min + " and " + max);
        }
        return value;
      } catch (ConfigException.WrongType e) {
        problem(
            key,
            config.getValue(key).render(),
            "must be a whole number between " + min + " and " + max);
        return min;
      }
    }

    /** A size such as 32 MiB, 500 kB or a plain number of bytes; at least 0. */
    long bytes(String key) {
      if (!present(key)) {
        return 0;
      }
      try {
        long value = config.getBytes(key);
        if (value < 0) {
          problem(key, config.getValue(key).render(), "must not be negative");
        }
        return value;
      } catch (ConfigException.BadValue | ConfigException.WrongType e) {
        problem(
            key,
            config.getValue(key).render(),
            "must be a size such as 32 MiB, 500 kB or a number of bytes");
        return 0;
      }
    }

    List<Integer> windows(String key) {
      if (!present(key)) {
        return List.of(1);
      }
      List<Integer> windows;
      try {
        windows = config.getIntList(key);
      } catch (ConfigException.WrongType e) {
        problem(
            key,
            config.getValue(key).render(),
            "must be a list of whole numbers of days, e.g. [1, 7, 30]");
        return List.of(1);
      }
      if (windows.isEmpty()) {
        problem(key, "[]", "must list at least one window");
        return List.of(1);
      }
      for (int i = 0; i < windows.size(); i++) {
        int w = windows.get(i);
        if (w < 1 || w > 3660) {
          problem(key, windows, "window " + w + " must be between 1 and 3660 days");
        } else if (i > 0 && w <= windows.get(i - 1)) {
          problem(key, windows, "windows must be in ascending order without repeats");
        }
      }
      return windows;
    }

    private static Optional<String> reservedBy(
        Map<String, List<dev.segments.common.tables.ColumnSpec>> reserved, String column) {
      return reserved.entrySet().stream()
          .filter(e -> e.getValue().stream().anyMatch(c -> c.matches(column)))
          .map(Map.Entry::getKey)
          .findFirst();
    }

    List<TraitColumn> traits(
        String key, Map<String, List<dev.segments.common.tables.ColumnSpec>> reserved) {
      if (!present(key)) {
        return List.of();
      }
      if (config.getValue(key).valueType() != ConfigValueType.OBJECT) {
        problem(key, config.getValue(key).render(), "must be an object of trait = type");
        return List.of();
      }
      List<TraitColumn> columns = new ArrayList<>();
      Map<String, String> seen = new LinkedHashMap<>();
      for (Map.Entry<String, ConfigValue> e :
          new java.util.TreeMap<>(config.getObject(key)).entrySet()) {
        String trait = e.getKey();
        String path = key + ".\"" + trait + "\"";
        ConfigValue value = e.getValue();
        if (value.valueType() != ConfigValueType.STRING) {
          problem(path, value.render(), "must be one of " + TraitType.validNames());
          continue;
        }
        String typeName = (String) value.unwrapped();
        Optional<TraitType> type = TraitType.fromConfigName(typeName.toLowerCase(Locale.ROOT));
        if (type.isEmpty()) {
          problem(path, typeName, "unknown type; must be one of " + TraitType.validNames());
          continue;
        }
        String column = snakeCase(trait);
        Optional<String> reservedIn = reservedBy(reserved, column);
        if (!IDENTIFIER.matcher(column).matches()) {
          problem(path, typeName, "trait name '" + trait + "' gives no usable column name");
        } else if (reservedIn.isPresent()) {
          problem(
              path,
              typeName,
              "column '"
                  + column
                  + "' is reserved: "
                  + reservedIn.get()
                  + " has a column of that name (the trait is still kept as text in the traits"
                  + " map, traits."
                  + trait
                  + " in a segment)");
        } else if (seen.containsKey(column)) {
          problem(
              path,
              typeName,
              "column '" + column + "' is already used by trait '" + seen.get(column) + "'");
        } else {
          seen.put(column, trait);
          columns.add(new TraitColumn(trait, column, type.get()));
        }
      }
      return columns;
    }

    Map<String, String> stringMap(String key) {
      if (!present(key)) {
        return Map.of();
      }
      if (config.getValue(key).valueType() != ConfigValueType.OBJECT) {
        problem(key, config.getValue(key).render(), "must be an object of \"setting\" = value");
        return Map.of();
      }
      Map<String, String> out = new LinkedHashMap<>();
      for (Map.Entry<String, ConfigValue> e : config.getObject(key).entrySet()) {
        ConfigValue v = e.getValue();
        if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
          problem(
              key + ".\"" + e.getKey() + "\"",
              v.render(),
              "must be a single value (quote Spark keys that contain dots: \"spark.x.y\" = 1)");
        } else {
          out.put(e.getKey(), String.valueOf(v.unwrapped()));
        }
      }
      return out;
    }
  }
}
