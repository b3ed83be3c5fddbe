package dev.segments.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.common.segments.Cond;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoringSettingsTest {
  @TempDir Path dir;

  private Settings load(String text) throws IOException {
    Path f = dir.resolve("application.conf");
    Files.writeString(f, text);
    return SettingsLoader.load(Optional.of(f), Map.of());
  }

  private List<String> problems(String text) throws IOException {
    Path f = dir.resolve("application.conf");
    Files.writeString(f, text);
    return assertThrows(
            InvalidConfigException.class, () -> SettingsLoader.load(Optional.of(f), Map.of()))
        .problems();
  }

  @Test
  void defaultWorkspaceScoresEveryEventOverThirtyDays() throws IOException {
    Settings s = load("");
    assertEquals(1, s.scoring().workspaces().size());
    Workspace ws = s.scoring().workspaces().get(0);
    assertEquals("default", ws.name());
    assertEquals(30, ws.periodDays());
    assertEquals(Workspace.Normalization.EXPONENTIAL, ws.normalization());
    assertTrue(ws.scoresEveryEvent());
    assertEquals(10_000, s.scoring().percentileAccuracy());
  }

  @Test
  void workspaceReadsFeaturesWeightsStepsAndInheritsDefaults() throws IOException {
    Settings s =
        load(
            """
        scoring.workspaces.default.features {
          core { importance = 4, events = [a, b, z], weights { a = 2.5, z = 0 } }
          admin { events = [c] }
        }
        scoring.workspaces.default.activation.user = [
          { event = a, at-least = 2, within-days = 7 }
          { name = admin, field = role, op = in, value = [admin, owner] }
          { active-days = 3, within-days = 14 }
        ]
        scoring.workspaces.paid { period-days = 7, population = { field = account.plan, op = "!=", value = free } }
        """);
    Workspace ws = s.scoring().workspaces().get(0);
    // Points = importance x weight; z (weight 0) is not scored; admin's importance defaults to 1.
    assertEquals(Map.of("a", 10.0, "b", 4.0, "c", 1.0), ws.eventMultipliers());
    assertEquals(2, ws.scoredFeatureCount());
    assertEquals(
        List.of("a_at_least_2_in_7d", "admin", "active_3_days_in_14d"),
        ws.userSteps().stream().map(ActivationStep::name).toList());
    assertEquals(
        new Cond.Field("role", Cond.FieldOp.IN, List.of("admin", "owner"), 0),
        ws.userSteps().get(1).condition().get());
    Workspace paid = s.scoring().workspaces().get(1);
    assertEquals("paid", paid.name());
    assertEquals(7, paid.periodDays());
    assertEquals(
        Optional.of(new Cond.Field("account.plan", Cond.FieldOp.NE, List.of("free"), 0)),
        paid.population());
    assertEquals(75, paid.bands().mostEngaged());
  }

  @Test
  void everyProblemIsReportedWithKeyValueAndReason() throws IOException {
    List<String> p =
        problems(
            """
        scoring.workspaces.default {
          period-days = 14
          normalization = cubic
          colour = red
          features {
            core { importance = 11, events = [a, b], weights { a = 12, x = 1 } }
            other { events = [b] }
          }
          activation.user = [
            { event = a }
            { event = a, at-least = 1, field = role, op = "=", value = x }
            { field = role, op = "~", value = x }
            { field = tenure_days, op = between, value = 3 }
            { active-days = 2 }
            { event = b, at-least = 1, within-days = 3 }
          ]
          bands { mode = quartiles, most-engaged = 40, slightly-engaged = 50 }
        }
        scoring.workspaces.Bad-Name { }
        """);
    String all = String.join("\n", p);
    List<String> expected =
        List.of(
            "scoring.workspaces.default.period-days = 14 (",
            "must be 1, 7 or 30",
            "scoring.workspaces.default.normalization = \"cubic\"",
            "must be one of exponential, linear",
            "unknown key 'scoring.workspaces.default.colour'",
            "scoring.workspaces.default.features.core.importance = 11",
            "scoring.workspaces.default.features.core.weights.a = 12.0",
            "must be from 0 to 10",
            "scoring.workspaces.default.features.core.weights.x = 1",
            "event 'x' is not in this feature's events [a, b]",
            "event 'b' is already in feature 'core'",
            "scoring.workspaces.default.activation.user[0].at-least is missing",
            "scoring.workspaces.default.activation.user[1] = ",
            "a step needs exactly one of event (with at-least), field (with op, value) or active-days",
            "scoring.workspaces.default.activation.user[2].op (",
            "unknown operator '~'",
            "scoring.workspaces.default.activation.user[3].value (",
            "operator between takes value = [low, high], not 3",
            "an active-days step needs within-days",
            "scoring.workspaces.default.activation.user[5].within-days = 3",
            "must be one of features.windows [1, 7, 14, 30, 90]",
            "scoring.workspaces.default.bands.mode = \"quartiles\"",
            "most-engaged > slightly-engaged > passive is required",
            "workspace name must match [a-z][a-z0-9_]*");
    for (String e : expected) {
      assertTrue(all.contains(e), "expected a problem containing <" + e + "> in:\n" + all);
    }
  }

  @Test
  void periodMustBeAFeatureWindowAndDefaultMustExist() throws IOException {
    String all =
        String.join(
            "\n",
            problems("features.windows = [1, 7]\nscoring.workspaces.default.period-days = 30\n"));
    assertTrue(all.contains("scoring.workspaces.default.period-days = 30"), all);
    assertTrue(all.contains("must be one of features.windows [1, 7]"), all);
  }

  @Test
  void populationsAreConditionsOfTheSegmentLanguage() throws IOException {
    Settings s =
        load(
            """
        scoring.workspaces.default.population {
          any = [
            { field = account.plan, op = in, value = [pro, enterprise] }
            { all = [ { event = report_created, at_least = 2, within_days = 30 }, { not = { field = role, op = "=", value = guest } } ] }
          ]
        }
        """);
    Cond expected =
        new Cond.Any(
            List.of(
                new Cond.Field("account.plan", Cond.FieldOp.IN, List.of("pro", "enterprise"), 0),
                new Cond.All(
                    List.of(
                        new Cond.Event(
                            "report_created",
                            Cond.CountOp.AT_LEAST,
                            2,
                            Optional.of(30),
                            List.of(),
                            Optional.empty()),
                        new Cond.Not(
                            new Cond.Field("role", Cond.FieldOp.EQ, List.of("guest"), 0))))));
    assertEquals(Optional.of(expected), s.scoring().workspaces().get(0).population());
  }

  @Test
  void conditionsOfPopulationsAndStepsAreTypeChecked() throws IOException {
    String all =
        String.join(
            "\n",
            problems(
                """
        scoring.workspaces.default {
          population = { all = [ { field = engagement_score, op = ">", value = 10 }, { segment = all_users } ] }
          activation.user = [
            { name = often, field = frequency, op = ">=", value = 3 }
            { name = plan, field = rol, op = "=", value = pro }
            { name = role, field = role, op = ">", value = 3 }
            { name = acct, field = account.plan, op = "=", value = pro }
          ]
          activation.account = [ { name = big, field = member_users, op = ">=", value = many } ]
        }
        """));
    List<String> expected =
        List.of(
            // Scores are computed from the population and the steps: neither may read them.
            "scoring.workspaces.default.population.all[0].field (",
            "'engagement_score' is a score; a population cannot read scores",
            "scoring.workspaces.default.population.all[1].segment (",
            "a population cannot refer to segments",
            "scoring.workspaces.default.activation.user[0].field (",
            "'frequency' is a score; an activation step cannot read scores",
            "scoring.workspaces.default.activation.user[1].field (",
            "unknown user field 'rol'; did you mean 'role'?",
            "scoring.workspaces.default.activation.user[2].op (",
            "operator '>' does not fit text field role",
            "scoring.workspaces.default.activation.user[3].field (",
            "an activation step reads the entity's own fields, not account.<field>",
            "scoring.workspaces.default.activation.account[0].value (",
            "\"many\" is not a number");
    for (String e : expected) {
      assertTrue(all.contains(e), "expected a problem containing <" + e + "> in:\n" + all);
    }
  }
}
