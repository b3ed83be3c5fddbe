package dev.segments.jobs.score;

import static dev.segments.jobs.TestRuns.group;
import static dev.segments.jobs.TestRuns.identify;
import static dev.segments.jobs.TestRuns.track;

import dev.segments.jobs.TestRuns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The scoring scenario, run once per JVM and shared by ScoringTest and SegmentsTest: six users in
 * two accounts (and an account without users) over three days, 2026-04-01 .. 04-03, windows 1 and 7
 * days. The table of events is in ScoringTest's comment; on top of it u2 and u5 each export once on
 * D3 (an event in no feature, with a format property), and initech is an account with traits and no
 * users.
 */
final class ScoringScenario {
  static final String DEFAULT_WORKSPACE =
      "{ period-days = 1, features {"
          + " core { importance = 3, events = [create, edit], weights { create = 2 } },"
          + " collab { importance = 2, events = [invite, comment], weights { comment = 0.5 } },"
          + " admin { importance = 1, events = [setup], weights { setup = 0 } } },"
          + " activation { user = ["
          + "   { name = created, event = create, at-least = 1 },"
          + "   { name = invited_recently, event = invite, at-least = 2, within-days = 7 },"
          + "   { name = is_admin, field = role, op = \"=\", value = admin },"
          + "   { name = regular, active-days = 2, within-days = 7 } ],"
          + "  account = ["
          + "   { name = team_invites, event = invite, at-least = 3 },"
          + "   { name = pro, field = plan, op = \"=\", value = pro } ] } }";
  static final String LIN_WORKSPACE =
      "{ period-days = 7, normalization = linear, bands.mode = percentile,"
          + " population = { field = account.plan, op = \"=\", value = pro },"
          + " features = ${scoring.workspaces.default.features} }";

  /** The scenario's settings. */
  static final List<String> OVERRIDES =
      List.of(
          "-Dfeatures.windows=[1,7]",
          "-Dfeatures.total-users-window-days=7",
          "-Dscoring.workspaces.default=" + DEFAULT_WORKSPACE,
          "-Dscoring.workspaces.lin=" + LIN_WORKSPACE);

  private static TestRuns runs;

  private ScoringScenario() {}

  static synchronized TestRuns runs() {
    if (runs == null) {
      runs = build();
    }
    return runs;
  }

  private static TestRuns build() {
    Path dir;
    try {
      dir = Files.createTempDirectory("segments-scenario");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TestRuns r =
        new TestRuns(dir.resolve("in"), dir.resolve("wh"), OVERRIDES.toArray(String[]::new));
    r.segments("custom.conf", SegmentsTest.DEFINITIONS);
    List<String> d1 =
        new ArrayList<>(
            List.of(
                group("g-acme", "2026-04-01T08:00:00Z", null, "acme", "{\"plan\":\"pro\"}"),
                group("g-globex", "2026-04-01T08:00:00Z", null, "globex", "{\"plan\":\"free\"}"),
                group(
                    "g-initech",
                    "2026-04-01T08:00:00Z",
                    null,
                    "initech",
                    "{\"name\":\"Initech\"}")));
    for (String u : List.of("u1", "u2", "u3", "u4", "u5", "u6")) {
      String role = u.equals("u1") || u.equals("u6") ? "admin" : "member";
      String account = u.compareTo("u4") < 0 ? "acme" : "globex";
      d1.add(identify("i-" + u, "2026-04-01T08:00:00Z", u, "{\"role\":\"" + role + "\"}"));
      d1.add(group("m-" + u, "2026-04-01T08:01:00Z", u, account, "{}"));
    }
    d1.addAll(
        events(
            "2026-04-01",
            "u1",
            "create",
            "u2",
            "edit",
            "u2",
            "edit",
            "u4",
            "login",
            "u5",
            "login"));
    r.day("2026-04-01", d1.toArray(String[]::new));
    r.day(
        "2026-04-02",
        events(
                "2026-04-02",
                "u1",
                "edit",
                "u1",
                "comment",
                "u1",
                "comment",
                "u3",
                "invite",
                "u4",
                "setup",
                "u6",
                "create")
            .toArray(String[]::new));
    List<String> d3 =
        events(
            "2026-04-03",
            "u1",
            "create",
            "u1",
            "create",
            "u1",
            "invite",
            "u1",
            "invite",
            "u2",
            "edit",
            "u3",
            "invite",
            "u3",
            "invite",
            "u3",
            "comment",
            "u4",
            "login",
            "u5",
            "comment",
            "u6",
            "edit",
            "u6",
            "edit",
            "u6",
            "edit");
    d3.add(
        "{\"type\":\"track\",\"messageId\":\"x-u2\",\"timestamp\":\"2026-04-03T11:00:00Z\",\"userId\":\"u2\","
            + "\"event\":\"export\",\"properties\":{\"format\":\"csv\"}}");
    d3.add(
        "{\"type\":\"track\",\"messageId\":\"x-u5\",\"timestamp\":\"2026-04-03T11:00:00Z\",\"userId\":\"u5\","
            + "\"event\":\"export\",\"properties\":{\"format\":\"pdf\"}}");
    r.day("2026-04-03", d3.toArray(String[]::new));
    r.ok("run", "--from", "2026-04-01", "--to", "2026-04-03");
    return r;
  }

  /** Track calls (user, event pairs) on one day, a minute apart. */
  static List<String> events(String day, String... userEvent) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < userEvent.length; i += 2) {
      out.add(
          track(
              day + "-" + i,
              day + "T10:" + String.format("%02d", i / 2) + ":00Z",
              userEvent[i],
              userEvent[i + 1]));
    }
    return out;
  }
}
