package dev.segments.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SettingsLoaderTest {
  @TempDir Path dir;

  private Path file(String text) throws IOException {
    Path f = dir.resolve("application.conf");
    Files.writeString(f, text);
    return f;
  }

  private static InvalidConfigException invalid(
      Optional<Path> file, Map<String, String> overrides) {
    return assertThrows(InvalidConfigException.class, () -> SettingsLoader.load(file, overrides));
  }

  /** A bad setting (one line of a deployment's file) and what its message must say. */
  static Stream<Arguments> badSettings() {
    return Stream.of(
        Arguments.of("warehouse.path = \"\"", "warehouse.path = \"\" (", "must not be empty"),
        Arguments.of("input.path = \"\"", "input.path = \"\" (", "must not be empty"),
        Arguments.of("segments.dir = \"\"", "segments.dir = \"\" (", "must not be empty"),
        Arguments.of("input.format = csv", "input.format = csv (", "must be json or parquet"),
        Arguments.of(
            "ingest.timestamps-without-offset = local",
            "ingest.timestamps-without-offset = local (",
            "must be utc (taken as UTC) or reject"),
        Arguments.of("features.windows = [0, 7]", "features.windows", "0"),
        Arguments.of("features.windows = [7, 1]", "features.windows", "ascending order"),
        Arguments.of(
            "features.windows = []", "features.windows = [] (", "must list at least one window"),
        Arguments.of(
            "features.total-users-window-days = 0",
            "features.total-users-window-days = 0 (",
            "between 1 and 3660"),
        Arguments.of(
            "ingest.lookback-days = 400", "ingest.lookback-days = 400 (", "between 0 and 365"),
        Arguments.of(
            "ingest.lookback-days = seven", "ingest.lookback-days = \"seven\" (", "whole number"),
        Arguments.of(
            "warehouse.write-threads = 0", "warehouse.write-threads = 0 (", "between 1 and 64"),
        Arguments.of(
            "warehouse.lock-wait-seconds = -1",
            "warehouse.lock-wait-seconds = -1 (",
            "between 0 and 86400"),
        Arguments.of("compare.threads = 1000", "compare.threads = 1000 (", "between 1 and 64"),
        Arguments.of("input.formt = json", "unknown key 'input.formt' (", "application.conf: 1"),
        Arguments.of("traits.user.user_id = string", "traits.user", "column 'user_id' is reserved"),
        // A trait named like a product column would collide with it in user_features.
        Arguments.of(
            "traits.user.last_seen = timestamp",
            "traits.user.\"last_seen\" = timestamp (",
            "column 'last_seen' is reserved: user_features has a column of that name (the trait is"
                + " still kept as text in the traits map, traits.last_seen in a segment)"),
        Arguments.of(
            "traits.user.active_days_7d = long",
            "traits.user.\"active_days_7d\" = long (",
            "column 'active_days_7d' is reserved: user_features"),
        Arguments.of(
            "traits.user.daysSinceCreated = long",
            "traits.user.\"daysSinceCreated\" = long (",
            "column 'days_since_created' is reserved: the segments (derived from created_at)"),
        Arguments.of(
            "traits.account.total_users = long",
            "traits.account.\"total_users\" = long (",
            "column 'total_users' is reserved: account_features"),
        Arguments.of(
            "traits.account.plan = text", "traits.account.\"plan\" = text (", "unknown type"),
        Arguments.of("catalog.database = \"Bad-Name\"", "catalog.database = Bad-Name (", "[a-z]"),
        Arguments.of("spark.master = \"\"", "spark.master = \"\" (", "must not be empty"),
        Arguments.of(
            "spark.generated-code = sometimes",
            "spark.generated-code = sometimes (",
            "must be auto, on or off"),
        Arguments.of("scoring.workspaces.default.period-days = 5", "period-days", "1, 7 or 30"),
        Arguments.of(
            "scoring.workspaces.default.normalization = cubic", "normalization", "exponential"),
        Arguments.of("scoring.workspaces.default.bands.mode = random", "bands.mode", "fixed"),
        Arguments.of("scoring.workspaces.Bad = {}", "scoring.workspaces", "Bad"),
        Arguments.of("scoring.percentile-accuracy = 0", "scoring.percentile-accuracy", "0"),
        Arguments.of(
            "maintain.vacuum-retention-hours = -1",
            "maintain.vacuum-retention-hours = -1 (",
            "between 0 and 87600"),
        // The default scoring period is 30 days: a score reads the scores of 30 days before.
        Arguments.of(
            "maintain.keep-days.snapshots = 30",
            "maintain.keep-days.snapshots = 30 (",
            "at least 31 (the score of a date reads the scores of one scoring period before"),
        Arguments.of(
            "maintain.keep-days.membership = 1",
            "maintain.keep-days.membership = 1 (",
            "at least 2 (a segment's changes are taken against its previous run date)"),
        Arguments.of("maintain.keep-days.logs = many", "maintain.keep-days.logs", "whole number"),
        Arguments.of(
            "maintain.keep-days.snapshot = 90", "unknown key 'maintain.keep-days.snapshot' (", ":"),
        Arguments.of(
            "exports.destinations.crm = { type = mailchimp }",
            "exports.destinations.\"crm\".type = mailchimp (",
            "unknown type; one of hubspot"));
  }

  @ParameterizedTest
  @MethodSource("badSettings")
  void everyBadSettingStopsTheRunNamingFileKeyAndValue(String line, String names, String hint)
      throws IOException {
    InvalidConfigException e = invalid(Optional.of(file(line + "\n")), Map.of());
    String message = e.getMessage();
    assertTrue(message.contains(names), line + " -> " + message);
    assertTrue(message.contains(hint), line + " -> " + message);
    assertTrue(message.contains("application.conf"), line + " names the file -> " + message);
  }

  @Test
  void defaultsComeFromReferenceConf() {
    Settings s = SettingsLoader.load(Optional.empty(), Map.of());
    assertEquals(List.of(1, 7, 14, 30, 90), s.features().windows());
    assertEquals(7, s.ingest().lookbackDays());
    assertEquals(InputSettings.InputFormat.JSON, s.input().format());
    assertEquals(Optional.empty(), s.catalogDatabase());
    assertEquals(90, s.features().longestWindow());
    assertEquals(168, s.maintain().vacuumRetentionHours());
    assertEquals(400, s.maintain().keepDays(dev.segments.common.tables.RetentionClass.SNAPSHOTS));
    assertEquals(0, s.maintain().keepDays(dev.segments.common.tables.RetentionClass.MEMBERSHIP));
    // Typed traits sorted by column, with their types.
    assertEquals(
        List.of(
            new TraitColumn("created_at", "created_at", TraitType.TIMESTAMP),
            new TraitColumn("email", "email", TraitType.STRING),
            new TraitColumn("name", "name", TraitType.STRING),
            new TraitColumn("role", "role", TraitType.STRING)),
        s.userTraits());
  }

  @Test
  void fileOverridesReferenceAndCommandLineOverridesFile() throws IOException {
    Path f =
        file(
            "ingest.lookback-days = 3\ninput.format = parquet\ntraits.user { signupPlan = string }\n");
    Settings s = SettingsLoader.load(Optional.of(f), Map.of("ingest.lookback-days", "5"));
    assertEquals(5, s.ingest().lookbackDays());
    assertEquals(InputSettings.InputFormat.PARQUET, s.input().format());
    assertTrue(
        s.userTraits().contains(new TraitColumn("signupPlan", "signup_plan", TraitType.STRING)));
  }

  @Test
  void quotedValueIsUnquoted() {
    Settings s =
        SettingsLoader.load(
            Optional.empty(), Map.of("spark.conf.\"spark.eventLog.dir\"", "\"file:///tmp/ev\""));
    assertEquals("file:///tmp/ev", s.spark().conf().get("spark.eventLog.dir"));
  }

  @Test
  void quotedSparkSettingsAreKeptWhole() {
    Settings s =
        SettingsLoader.load(
            Optional.empty(), Map.of("spark.conf.\"spark.sql.shuffle.partitions\"", "3"));
    assertEquals("3", s.spark().conf().get("spark.sql.shuffle.partitions"));
  }

  @Test
  void generatedMethodsStayWithinWhatHotSpotCompilesByDefault() {
    // 8000 bytes is HotSpot's HugeMethodLimit: a larger generated method would run interpreted.
    Settings defaults = SettingsLoader.load(Optional.empty(), Map.of());
    assertEquals("8000", defaults.spark().conf().get("spark.sql.codegen.hugeMethodLimit"));
    Settings overridden =
        SettingsLoader.load(
            Optional.empty(), Map.of("spark.conf.\"spark.sql.codegen.hugeMethodLimit\"", "65535"));
    assertEquals("65535", overridden.spark().conf().get("spark.sql.codegen.hugeMethodLimit"));
  }

  @Test
  void badValueNamesKeyValueFileAndWhatIsValid() throws IOException {
    Path f = file("input.format = csv\n");
    InvalidConfigException e = invalid(Optional.of(f), Map.of());
    assertEquals(1, e.problems().size());
    String problem = e.problems().get(0);
    assertTrue(problem.startsWith("input.format = csv ("), problem);
    assertTrue(problem.contains("application.conf: 1"), problem);
    assertTrue(problem.endsWith("must be json or parquet"), problem);
  }

  @Test
  void everyProblemIsReportedNotJustTheFirst() throws IOException {
    Path f =
        file(
            "ingest.lookback-days = -1\nfeatures.windows = [7, 1, 30]\ntraits.account { plan = text }\n");
    InvalidConfigException e = invalid(Optional.of(f), Map.of("catalog.database", "Bad-Name"));
    assertEquals(4, e.problems().size(), e.getMessage());
    assertTrue(e.getMessage().contains("ingest.lookback-days = -1 ("), e.getMessage());
    assertTrue(e.getMessage().contains("must be between 0 and 365"), e.getMessage());
    assertTrue(
        e.getMessage().contains("windows must be in ascending order without repeats"),
        e.getMessage());
    assertTrue(e.getMessage().contains("traits.account.\"plan\" = text ("), e.getMessage());
    assertTrue(
        e.getMessage()
            .contains(
                "unknown type; must be one of string, long, double, boolean, date, timestamp"),
        e.getMessage());
    assertTrue(
        e.getMessage().contains("catalog.database = Bad-Name (command line -D"), e.getMessage());
  }

  @Test
  void wrongTypeIsAnError() {
    InvalidConfigException e = invalid(Optional.empty(), Map.of("ingest.lookback-days", "seven"));
    assertEquals(
        List.of(
            "ingest.lookback-days = \"seven\" (command line -D): must be a whole number between 0 and 365"),
        e.problems());
  }

  @Test
  void unknownKeysAreErrorsNamingTheFile() throws IOException {
    Path f = file("input.formt = json\n");
    InvalidConfigException e = invalid(Optional.of(f), Map.of("warehouse.pth", "/x"));
    assertEquals(2, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).startsWith("unknown key 'input.formt' ("), e.getMessage());
    assertTrue(e.problems().get(0).contains("application.conf: 1"), e.getMessage());
    assertTrue(
        e.problems().get(1).startsWith("unknown key 'warehouse.pth' (command line -D"),
        e.getMessage());
  }

  @Test
  void generatedCodeDefaultsToAutoAbove32MiB() throws IOException {
    Settings s = SettingsLoader.load(Optional.empty(), Map.of());
    assertEquals(SparkSettings.GeneratedCode.AUTO, s.spark().generatedCode());
    assertEquals(32L * 1024 * 1024, s.spark().generatedCodeMinBytes());
    Path f = file("spark.generated-code = OFF\nspark.generated-code-min-bytes = 500 kB\n");
    Settings off = SettingsLoader.load(Optional.of(f), Map.of());
    assertEquals(SparkSettings.GeneratedCode.OFF, off.spark().generatedCode());
    assertEquals(500_000L, off.spark().generatedCodeMinBytes());
    assertEquals(
        1234L,
        SettingsLoader.load(Optional.empty(), Map.of("spark.generated-code-min-bytes", "1234"))
            .spark()
            .generatedCodeMinBytes());
  }

  @Test
  void badGeneratedCodeSettingsNameKeyAndValue() throws IOException {
    Path f = file("spark.generated-code = sometimes\nspark.generated-code-min-bytes = lots\n");
    InvalidConfigException e = invalid(Optional.of(f), Map.of());
    assertEquals(2, e.problems().size(), e.problems().toString());
    assertTrue(
        e.problems().get(0).startsWith("spark.generated-code = sometimes ("), e.problems().get(0));
    assertTrue(e.problems().get(0).endsWith("must be auto, on or off"), e.problems().get(0));
    assertTrue(
        e.problems().get(1).startsWith("spark.generated-code-min-bytes = \"lots\" ("),
        e.problems().get(1));
    assertTrue(e.problems().get(1).contains("application.conf: 2"), e.problems().get(1));
    InvalidConfigException negative =
        invalid(Optional.of(file("spark.generated-code-min-bytes = -1\n")), Map.of());
    assertEquals(1, negative.problems().size(), negative.problems().toString());
    assertTrue(
        negative.problems().get(0).startsWith("spark.generated-code-min-bytes = -1 ("),
        negative.problems().get(0));
  }

  @Test
  void generatedCodeOnOrOffConflictsWithAnExplicitSparkSetting() {
    InvalidConfigException e =
        invalid(
            Optional.empty(),
            Map.of(
                "spark.generated-code",
                "on",
                "spark.conf.\"spark.sql.codegen.wholeStage\"",
                "false"));
    assertEquals(1, e.problems().size(), e.problems().toString());
    assertTrue(e.problems().get(0).startsWith("spark.generated-code = on ("), e.problems().get(0));
    assertTrue(
        e.problems().get(0).contains("spark.conf.\"spark.sql.codegen.wholeStage\" = false"),
        e.problems().get(0));
    // With auto, the explicit Spark setting is allowed (it wins at run time).
    Settings auto =
        SettingsLoader.load(
            Optional.empty(), Map.of("spark.conf.\"spark.sql.codegen.wholeStage\"", "false"));
    assertEquals(SparkSettings.GeneratedCode.AUTO, auto.spark().generatedCode());
  }

  @Test
  void unquotedSparkKeyIsExplained() {
    InvalidConfigException e =
        invalid(Optional.empty(), Map.of("spark.conf.spark.sql.shuffle.partitions", "3"));
    assertTrue(e.getMessage().contains("quote Spark keys that contain dots"), e.getMessage());
  }

  @Test
  void traitColumnsMustNotClash() {
    InvalidConfigException e =
        invalid(
            Optional.empty(),
            Map.of("traits.user.user_id", "string", "traits.user.createdAt", "timestamp"));
    assertEquals(2, e.problems().size(), e.getMessage());
    assertTrue(e.getMessage().contains("column 'user_id' is reserved"), e.getMessage());
    assertTrue(
        e.getMessage().contains("column 'created_at' is already used by trait"), e.getMessage());
  }

  @Test
  void missingConfigFileIsAnError() {
    InvalidConfigException e = invalid(Optional.of(dir.resolve("nope.conf")), Map.of());
    assertTrue(
        e.getMessage().contains("nope.conf does not exist (check --config)"), e.getMessage());
  }

  @Test
  void environmentSubstitutionIsHonoured() {
    // reference.conf: warehouse.path = ${?SEGMENTS_WAREHOUSE}; unset here, so the default stays.
    if (System.getenv("SEGMENTS_WAREHOUSE") == null) {
      assertEquals("warehouse", SettingsLoader.load(Optional.empty(), Map.of()).warehousePath());
    }
  }

  @Test
  void snakeCase() {
    assertEquals("created_at", SettingsLoader.snakeCase("createdAt"));
    assertEquals("plan_name", SettingsLoader.snakeCase("Plan Name"));
    assertEquals("mrr_usd", SettingsLoader.snakeCase("mrr-usd"));
  }

  @Test
  void secretsInSparkSettingsAreRedactedInTheLoggedSettings() {
    Settings s =
        SettingsLoader.load(
            Optional.empty(),
            Map.of(
                "spark.conf.\"spark.hadoop.fs.s3a.secret.key\"", "s3-secret-value",
                "spark.conf.\"spark.hadoop.fs.s3a.access.key\"", "AKIA-access-value",
                "spark.conf.\"fs.azure.account.key.acct.dfs.core.windows.net\"", "azure-key-value",
                "spark.conf.\"spark.ssl.keyStorePassword\"", "store-password-value",
                "spark.conf.\"spark.databricks.token\"", "token-value",
                "spark.conf.\"spark.sql.shuffle.partitions\"", "64"));
    String logged = s.toString();
    for (String secret :
        List.of(
            "s3-secret-value",
            "AKIA-access-value",
            "azure-key-value",
            "store-password-value",
            "token-value")) {
      assertFalse(logged.contains(secret), secret + " in " + logged);
    }
    assertTrue(logged.contains("spark.hadoop.fs.s3a.secret.key=" + SparkSettings.REDACTED), logged);
    assertTrue(logged.contains("spark.sql.shuffle.partitions=64"), logged);
    // The values themselves still reach Spark.
    assertEquals("s3-secret-value", s.spark().conf().get("spark.hadoop.fs.s3a.secret.key"));
  }
}
