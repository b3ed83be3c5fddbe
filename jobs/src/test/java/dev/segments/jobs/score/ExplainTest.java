package dev.segments.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.common.testing.Console;
import dev.segments.jobs.TestRuns;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * {@code segments explain} on the scoring scenario (ScoringScenario; facts in SegmentsTest's
 * comment) for the account segment {@code explained} of SegmentsTest's definitions:
 *
 * <pre>
 * all
 *   any: plan = pro, or at least 4 invites ever
 *   not: score_change <= -10
 *   at least 1 admin among the account's users
 *   member of acc_seen_today
 * </pre>
 *
 * On D3 by hand: acme (pro) has 5 invites (u3 1 on D2; u1 2 and u3 2 on D3), score change 0, one
 * admin (u1) of 3 users, and was seen on D3: a member. globex (free) has no invites, a change of
 * −24, one admin (u6) of 3 and was seen on D3: not a member (the any and the not fail). initech has
 * no plan (null) and no users.
 */
// Alone: other classes print stage lines to System.out while it is captured, and the lines
// here are asserted exactly.
@Isolated
class ExplainTest {
  static TestRuns runs;

  @BeforeAll
  static void scenario() {
    runs = ScoringScenario.runs();
  }

  private static Console.Captured explain(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "explain";
    System.arraycopy(args, 0, all, 1, args.length);
    return Console.capture(() -> runs.run(all));
  }

  private static List<String> lines(Console.Captured c) {
    assertEquals(0, c.code(), c.err());
    return c.out().lines().filter(l -> !l.isBlank()).toList();
  }

  @Test
  void aMemberNodeByNode() {
    assertEquals(
        List.of(
            "explained on 2026-04-03 for account acme: member (segment_members: member)",
            "all: true",
            "  any: true",
            "    plan = pro: true (plan = pro)",
            "    event invite at_least 4 ever: true (count = 5)",
            "  not: true",
            "    score_change <= -10: false (score_change = 0)",
            "  users count >= 1 of {role = admin}: true (matching = 1, users = 3)",
            "    matched: u1",
            "  member of acc_seen_today: true (acc_seen_today = true)"),
        lines(explain("--segment", "explained", "--entity", "acme", "--date", "2026-04-03")));
  }

  @Test
  void aNonMemberNodeByNode() {
    assertEquals(
        List.of(
            "explained on 2026-04-03 for account globex: not a member (segment_members: not a member)",
            "all: false",
            "  any: false",
            "    plan = pro: false (plan = free)",
            "    event invite at_least 4 ever: false (count = 0)",
            "  not: false",
            "    score_change <= -10: true (score_change = -24)",
            "  users count >= 1 of {role = admin}: true (matching = 1, users = 3)",
            "    matched: u6",
            "  member of acc_seen_today: true (acc_seen_today = true)"),
        lines(explain("--segment", "explained", "--entity", "globex", "--date", "2026-04-03")));
  }

  @Test
  void aMissingValueIsNullAndCountsAsFalse() {
    List<String> out =
        lines(explain("--segment", "explained", "--entity", "initech", "--date", "2026-04-03"));
    assertEquals(
        "explained on 2026-04-03 for account initech: not a member (segment_members: not a member)",
        out.get(0));
    assertEquals("    plan = pro: null (plan = null)", out.get(3));
    assertEquals(
        "  users count >= 1 of {role = admin}: false (matching = 0, users = 0)", out.get(7));
  }

  @Test
  void asJson() throws Exception {
    Console.Captured c =
        explain(
            "--segment",
            "explained",
            "--entity",
            "acme",
            "--date",
            "2026-04-03",
            "--json",
            "--users",
            "0");
    assertEquals(0, c.code(), c.err());
    JsonNode j = new ObjectMapper().readTree(c.out().substring(c.out().indexOf('{')));
    assertEquals("acme", j.path("entity_id").asText());
    assertTrue(j.path("member").asBoolean());
    assertTrue(j.path("stored_member").asBoolean());
    JsonNode any = j.path("tree").path("children").path(0);
    assertEquals("any", any.path("condition").asText());
    assertEquals(5, any.path("children").path(1).path("values").path("count").asLong());
    JsonNode users = j.path("tree").path("children").path(2);
    assertEquals(1, users.path("values").path("matching").asLong());
    assertEquals(3, users.path("values").path("users").asLong());
    // --users 0 lists nobody; the count stays.
    assertTrue(users.path("matched").isMissingNode(), users.toString());
  }

  @Test
  void aUserSegmentWithNestingAndTiming() {
    // nested: not(any(role = admin, score > 40)) and any(a comment on D3, user_id = u4).
    // u4: member, score 0, no comment on D3; u5: member, score 13, comments once on D3.
    assertEquals(
        List.of(
            "nested on 2026-04-03 for user u5: member (segment_members: member)",
            "all: true",
            "  not: true",
            "    any: false",
            "      role = admin: false (role = member)",
            "      engagement_score > 40: false (engagement_score = 13)",
            "  any: true",
            "    event comment at_least 1 within_days 1: true (count = 1)",
            "    user_id = u4: false (user_id = u5)"),
        lines(explain("--segment", "nested", "--entity", "u5", "--date", "2026-04-03")));
    List<String> first =
        lines(explain("--segment", "ev_first_over_1d", "--entity", "u1", "--date", "2026-04-03"));
    // u1 first created on D1 at 10:00 (ScoringScenario.events): 2 days before D3.
    assertEquals(
        "event create first more_than_days_ago 1: true (first = 2026-04-01T10:00:00Z, days_ago = 2)",
        first.get(1));
  }

  @Test
  void unknownSegmentEntityOrDateIsAClearError() {
    Console.Captured segment =
        explain("--segment", "nope", "--entity", "acme", "--date", "2026-04-03");
    assertEquals(1, segment.code());
    assertTrue(segment.err().contains("No segment 'nope' in the definitions"), segment.err());
    Console.Captured entity =
        explain("--segment", "explained", "--entity", "hooli", "--date", "2026-04-03");
    assertEquals(1, entity.code());
    assertTrue(
        entity.err().contains("No account 'hooli' in account_features on 2026-04-03"),
        entity.err());
    Console.Captured date =
        explain("--segment", "explained", "--entity", "acme", "--date", "2026-05-01");
    assertEquals(1, date.code());
    assertTrue(
        date.err().contains("Cannot evaluate segments for 2026-05-01: no scores for that date"),
        date.err());
  }
}
