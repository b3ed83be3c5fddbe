package dev.segments.common.segments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.common.config.Settings;
import dev.segments.common.config.SettingsLoader;
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

class SegmentLoaderTest {
  @TempDir Path dir;

  // Windows 1, 7, 30 (longest 90 through total-users-window-days); events a and b are known.
  static final Settings SETTINGS =
      SettingsLoader.load(
          Optional.empty(),
          Map.of(
              "features.windows", "[1, 7, 30]",
              "scoring.workspaces.default", "{ features { core { events = [a, b] } } }"));

  private SegmentLoader.Result load(String hocon) throws IOException {
    Files.writeString(dir.resolve("x.conf"), hocon);
    return SegmentLoader.load(dir, SETTINGS);
  }

  /** One invalid definition and (part of) the error it must give, with file, segment and field. */
  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(
            "{ id = s, entity = user, where = { field = role, op = \"=\", value = x }, colour = red }",
            "segment s: colour: unknown key; a segment has description, entity, id, level, name, where, workspace"),
        Arguments.of(
            "{ id = s, entity = user, level = parent, where = { field = role, op = \"=\", value = x } }",
            "segment s: level: only account segments have a level (leaf, parent or any), not user segments"),
        Arguments.of(
            "{ id = s, entity = account, level = top, where = { field = plan, op = \"=\", value = x } }",
            "segment s: level: must be leaf (every account on its own, the default), parent (accounts with"
                + " child accounts, rolled up) or any (each account rolled up when it has children), not"
                + " \"top\""),
        Arguments.of(
            "{ id = s, entity = user, where = { field = role, op = \"=\", value = x, extra = 1 } }",
            "segment s: where.extra: unknown key; a field condition has field, op, value, days"),
        Arguments.of(
            "{ id = s, entity = user, where = { field = engagement_score, op = \">\", value = high } }",
            "segment s: where.value: \"high\" is not a number"),
        Arguments.of(
            "{ id = s, entity = user, where = { field = role, op = \"=\", value = [a, b] } }",
            "segment s: where.value: operator = takes one value"),
        Arguments.of(
            "{ id = s, entity = user, where = { field = role, op = \">\", value = x } }",
            "segment s: where.op: operator '>' does not fit text field role; use one of =, !=, in, not_in, contains, starts_with, is_set, is_not_set"),
        Arguments.of(
            "{ id = s, entity = user, where = { field = engagement_score, op = contains, value = 1 } }",
            "segment s: where.op: operator 'contains' does not fit number field engagement_score"),
        Arguments.of(
            "{ id = s, entity = user, where = { field = event_counts_7d, op = \"=\", value = 1 } }",
            "operator '=' does not fit map field event_counts_7d (a map of counts: use an event condition)"),
        Arguments.of(
            "{ id = s, entity = user, where = { field = last_seen, op = \"=\", value = 1 } }",
            "segment s: where.op: operator '=' does not fit timestamp field last_seen"),
        Arguments.of(
            "{ id = s, entity = user, where = { field = engagment_score, op = \">\", value = 1 } }",
            "segment s: where.field: unknown user field 'engagment_score'; did you mean 'engagement_score'?"),
        Arguments.of(
            "{ id = s, entity = user, where = { field = role, op = like, value = x } }",
            "segment s: where.op: unknown operator 'like'"),
        Arguments.of(
            "{ id = Big-Accounts, entity = account, where = { field = plan, op = is_set } }",
            "segment Big-Accounts: id: 'Big-Accounts' must match [a-z][a-z0-9_]*"),
        Arguments.of(
            "{ entity = account, where = { field = plan, op = is_set } }",
            "segment #1: id: is missing"),
        Arguments.of(
            "[{ id = s, entity = user, where = { field = role, op = is_set } }, { id = s, entity = user, where = { field = role, op = is_set } }]",
            "segment s: id: duplicate id; also defined in"),
        Arguments.of(
            "{ id = all_users, entity = user, where = { field = role, op = is_set } }",
            "segment all_users: id: duplicate id; also defined in generated"),
        Arguments.of(
            "{ id = s, entity = user, where = { segment = nowhere } }",
            "segment s: where.segment: unknown segment 'nowhere'"),
        Arguments.of(
            "[{ id = p, entity = user, where = { segment = q } }, { id = q, entity = user, where = { not = { segment = p } } }]",
            "where: reference cycle p -> q -> p"),
        Arguments.of(
            "{ id = s, entity = user, where = { segment = s } }",
            "segment s: where: reference cycle s -> s"),
        Arguments.of(
            "{ id = s, entity = user, where = { segment = all_accounts } }",
            "segment s: where.segment: segment 'all_accounts' is a account segment; a user condition can only refer to user segments"),
        Arguments.of(
            "{ id = s, entity = account, level = parent, where = { segment = all_accounts } }",
            "segment s: where.segment: segment 'all_accounts' has level leaf and this segment level parent; an account"
                + " segment can only refer to segments of its own level (they are evaluated on the same rows)"),
        Arguments.of(
            "{ id = s, entity = user, where = { users = { field = role, op = is_set }, count = { op = \">\", value = 1 } } }",
            "segment s: where.users: user aggregates are for account segments"),
        Arguments.of(
            "{ id = s, entity = account, where = { field = account.plan, op = is_set } }",
            "segment s: where.field: 'account.plan': account.<field> is for user segments"),
        Arguments.of(
            "{ id = s, entity = user, where = { event = a, at_least = 1, within_days = 120 } }",
            "segment s: where.within_days: 120 is out of range 1..90"),
        Arguments.of(
            "{ id = s, entity = user, where = { event = a, at_least = 1, within_days = 0 } }",
            "segment s: where.within_days: 0 is out of range 1..90"),
        Arguments.of(
            "{ id = s, entity = user, where.all = [] }",
            "segment s: where.all: is empty; list at least one condition"),
        Arguments.of(
            "{ id = s, entity = user, where.any = [] }",
            "segment s: where.any: is empty; list at least one condition"),
        Arguments.of(
            "{ id = s, entity = user, where = { event = a, at_least = 1 } }",
            "segment s: where: needs exactly one of within_days = N (1..90) or ever = true"),
        Arguments.of(
            "{ id = s, entity = user, where = { event = a, at_least = 1, at_most = 3, ever = true } }",
            "segment s: where: needs exactly one of at_least, at_most, exactly (0 = never); found [at_least, at_most]"),
        Arguments.of(
            "{ id = s, entity = user, where = { event = a, at_least = -1, ever = true } }",
            "segment s: where.at_least: -1 is out of range"),
        Arguments.of(
            "{ id = s, entity = user, where = { event = a, at_least = 1, ever = true, where = [ { property = x, op = \"=\", value = 1 } ] } }",
            "segment s: where.where: property filters need within_days"),
        // Ids name a table folder: no separators, no parent folder, no product table.
        Arguments.of(
            "{ id = \"../events\", entity = user, where = { field = role, op = is_set } }",
            "segment ../events: id: '../events' must match [a-z][a-z0-9_]*"),
        Arguments.of(
            "{ id = \"a/b\", entity = user, where = { field = role, op = is_set } }",
            "segment a/b: id: 'a/b' must match [a-z][a-z0-9_]*"),
        Arguments.of(
            "{ id = \"x; DROP TABLE events\", entity = user, where = { field = role, op = is_set } }",
            "id: 'x; DROP TABLE events' must match [a-z][a-z0-9_]*"),
        Arguments.of(
            "{ id = \"caf\u00e9\", entity = user, where = { field = role, op = is_set } }",
            "id: 'caf\u00e9' must match [a-z][a-z0-9_]*"),
        Arguments.of(
            "{ id = members, entity = user, where = { field = role, op = is_set } }",
            "segment members: id: 'members' would name its table segment_members, which is one of"
                + " the product's own tables; choose another id"),
        Arguments.of(
            "{ id = thresholds, entity = user, where = { field = role, op = is_set } }",
            "id: 'thresholds' would name its table segment_thresholds"),
        Arguments.of(
            "{ id = "
                + "a".repeat(101)
                + ", entity = user, where = { field = role, op = is_set } }",
            "' is 101 characters; at most 100"),
        Arguments.of(
            "{ id = s, entity = team, where = { field = role, op = is_set } }",
            "segment s: entity: must be user or account, not \"team\""),
        Arguments.of("{ id = s, entity = user }", "segment s: where: is missing"),
        Arguments.of(
            "{ id = s, entity = user, where = { field = role, op = is_set, value = x } }",
            "segment s: where.value: operator is_set takes no value"),
        Arguments.of(
            "{ id = s, entity = user, where = { field = engagement_score, op = between, value = [90, 10] } }",
            "segment s: where.value: between needs [low, high] with low <= high"),
        Arguments.of(
            "{ id = s, entity = user, where = { field = last_seen, op = more_than_days_ago } }",
            "segment s: where.days: is missing; more_than_days_ago needs days = N"),
        Arguments.of(
            "{ id = s, entity = user, where = { event = a, occurrence = middle, op = within_days, days = 3 } }",
            "segment s: where.occurrence: must be first or last, not middle"),
        Arguments.of(
            "{ id = s, entity = user, workspace = nightly, where = { field = active, op = \"=\", value = true } }",
            "segment s: workspace: unknown workspace 'nightly' (configured: default)"),
        Arguments.of(
            "{ id = s, entity = account, where = { users = { field = role, op = is_set }, share = { op = \">\", value = 150 } } }",
            "segment s: where.share.value: is a percentage: 0 to 100"),
        Arguments.of(
            "{ id = s, entity = account, where = { users = { field = role, op = is_set } } }",
            "segment s: where: needs exactly one of count = { op, value }, share = { op, value } or match = any / all / none"),
        Arguments.of(
            "{ id = s, entity = user, where = { flavour = vanilla } }",
            "segment s: where: unknown condition {\"flavour\":\"vanilla\"}"),
        Arguments.of(
            "{ id = s, entity = user, where = { all = [ { field = role, op = is_set } ], any = [ { field = role, op = is_set } ] } }",
            "segment s: where: 'all' must be alone in its condition; found also any"),
        Arguments.of(
            "{ id = s, entity = user, where.all = [ { field = role, op = is_set }, { not = { field = nope, op = is_set } } ] }",
            "segment s: where.all[1].not.field: unknown user field 'nope'"));
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void invalidDefinitionIsRejectedWithItsReason(String segment, String expected)
      throws IOException {
    String text =
        segment.startsWith("[") ? "segments = " + segment : "segments = [ " + segment + " ]";
    SegmentLoader.Result r = load(text);
    String all = String.join("\n", r.errors());
    assertTrue(all.contains(expected), "expected <" + expected + "> in:\n" + all);
    assertTrue(
        r.errors().stream()
            .allMatch(
                e -> e.startsWith(dir.resolve("x.conf") + ": ") || e.contains("reference cycle")),
        "every error names the file:\n" + all);
  }

  @Test
  void allProblemsOfAFileAreReportedTogether() throws IOException {
    SegmentLoader.Result r =
        load(
            """
        segments = [
          { id = one, entity = user, where = { field = nope, op = is_set } }
          { id = two, entity = user, where = { field = role, op = like, value = x } }
          { id = three, entity = team, where = { field = role, op = is_set } }
        ]
        """);
    assertEquals(3, r.errors().size(), String.join("\n", r.errors()));
  }

  @Test
  void unknownEventIsAWarningNotAnError() throws IOException {
    SegmentLoader.Result r =
        load(
            "segments = [ { id = s, entity = user, where = { event = zz, at_least = 1, ever = true } } ]");
    assertTrue(r.ok(), String.join("\n", r.errors()));
    assertEquals(1, r.warnings().size());
    assertTrue(
        r.warnings()
            .get(0)
            .contains("segment s: where.event: event 'zz' is not in any workspace's features"),
        r.warnings().get(0));
  }

  @Test
  void validFileLoadsIntoTheConditionTree() throws IOException {
    SegmentLoader.Result r =
        load(
            """
        id = quiet
        name = "Quiet ones"
        entity = account
        where.all = [
          { field = activation_progress, op = "<", value = 50 }
          { users = { field = last_seen, op = within_days, days = 14 }, count = { op = "=", value = 0 } }
          { not = { segment = most_engaged_accounts } }
        ]
        """);
    assertTrue(r.ok(), String.join("\n", r.errors()));
    SegmentDefinition d = r.segments().get(0);
    assertEquals("quiet", d.id());
    assertEquals(SegmentDefinition.Kind.CUSTOM, d.kind());
    assertEquals(
        new Cond.All(
            List.of(
                new Cond.Field("activation_progress", Cond.FieldOp.LT, List.of(50), 0),
                new Cond.UserAggregate(
                    new Cond.Field("last_seen", Cond.FieldOp.WITHIN_DAYS, List.of(), 14),
                    Cond.AggregateKind.COUNT,
                    Cond.FieldOp.EQ,
                    0),
                new Cond.Not(new Cond.SegmentRef("most_engaged_accounts", true)))),
        d.where());
  }

  @Test
  void includesStayInsideTheSegmentsFolder() throws IOException {
    String segment = "{ id = s, entity = user, where = { field = role, op = \"=\", value = x } }";
    // Inside the folder: allowed, relative to the including file.
    Files.createDirectories(dir.resolve("parts"));
    Files.writeString(dir.resolve("parts/one.inc"), "segments = [ " + segment + " ]");
    SegmentLoader.Result ok = load("include \"parts/one.inc\"");
    assertTrue(ok.ok(), ok.errors().toString());
    assertTrue(ok.segments().stream().anyMatch(d -> d.id().equals("s")));

    Path outside = Files.createTempFile(dir.getParent(), "outside", ".conf");
    Files.writeString(outside, "segments = [ " + segment + " ]");
    for (String include :
        List.of(
            "include \"/etc/passwd\"",
            "include file(\"/etc/passwd\")",
            "include \"../" + outside.getFileName() + "\"",
            "include required(file(\"" + outside + "\"))")) {
      SegmentLoader.Result r = load(include);
      assertFalse(r.ok(), include);
      assertTrue(
          r.errors().get(0).contains("x.conf: cannot parse: ")
              && r.errors().get(0).contains("only files inside the segments folder"),
          include + ": " + r.errors());
    }
    SegmentLoader.Result url = load("include url(\"file:///etc/passwd\")");
    assertTrue(
        url.errors()
            .get(0)
            .contains("include url(file:/etc/passwd): segment files may include only"),
        url.errors().toString());
    SegmentLoader.Result classpath = load("include classpath(\"reference.conf\")");
    assertTrue(
        classpath.errors().get(0).contains("include classpath(reference.conf): segment files"),
        classpath.errors().toString());
    Files.delete(outside);
  }

  @Test
  void substitutionsDoNotReadTheEnvironment() throws IOException {
    // PATH is set in every environment; a definition must not be able to copy it (or a secret).
    SegmentLoader.Result r =
        load(
            "{ id = s, entity = user, name = ${PATH}, where = { field = role, op = \"=\", value = x } }");
    assertFalse(r.ok());
    assertTrue(
        r.errors().get(0).contains("cannot parse: ") && r.errors().get(0).contains("PATH"),
        r.errors().toString());
  }

  @Test
  void theProjectsOwnDefinitionsAreValid() {
    Settings project =
        SettingsLoader.load(Optional.of(Path.of("..", "conf", "application.conf")), Map.of());
    SegmentLoader.Result r = SegmentLoader.load(Path.of("..", "conf", "segments"), project);
    assertTrue(r.ok(), String.join("\n", r.errors()));
    assertTrue(r.warnings().isEmpty(), String.join("\n", r.warnings()));
    for (String seed :
        List.of(
            "stalled_onboarding",
            "core_users_not_inviting",
            "adopting_and_growing",
            "no_active_users_14d",
            "users_activation_under_75",
            "ran_report_this_week")) {
      assertTrue(r.segments().stream().anyMatch(d -> d.id().equals(seed)), seed);
    }
  }
}
