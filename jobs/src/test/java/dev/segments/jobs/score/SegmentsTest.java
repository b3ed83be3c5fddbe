package dev.segments.jobs.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.common.tables.TableNames;
import dev.segments.jobs.TestRuns;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Memberships on D3 (2026-04-03) of the scoring scenario (ScoringScenario, events in ScoringTest),
 * worked out by hand for every condition kind and operator. Facts used, on D3:
 *
 * <pre>
 * user  account  role    score  change  activation  steps done                          first seen
 * u1    acme     admin   90     +5      100         created, invited_recently, ...      D1
 * u2    acme     member  35     +35     25          regular                             D1
 * u3    acme     member  51     -3      50          invited_recently, regular           D2
 * u4    globex   member  0      0       25          regular                             D1
 * u5    globex   member  13     +13     25          regular                             D1
 * u6    globex   admin   73     -17     75          created, is_admin, regular          D2
 * Everyone has an event on D3 (last seen 0 days ago). Trends: u2, u5 red_hot; u6 ice_cold.
 * accounts: acme (pro) score 90, change 0; globex (free) 62, -24; initech (no plan, no users).
 * </pre>
 */
class SegmentsTest {
  static final Date D2 = Date.valueOf("2026-04-02");
  static final Date D3 = Date.valueOf("2026-04-03");

  /** Written to the scenario's segments folder before it runs. */
  static final String DEFINITIONS =
      """
      segments = [
        # Field operators (users)
        { id = op_eq, entity = user, where = { field = role, op = "=", value = admin } }
        { id = op_ne, entity = user, where = { field = role, op = "!=", value = admin } }
        { id = op_lt, entity = user, where = { field = engagement_score, op = "<", value = 35 } }
        { id = op_le, entity = user, where = { field = engagement_score, op = "<=", value = 35 } }
        { id = op_gt, entity = user, where = { field = engagement_score, op = ">", value = 73 } }
        { id = op_ge, entity = user, where = { field = engagement_score, op = ">=", value = 73 } }
        { id = op_between, entity = user, where = { field = engagement_score, op = between, value = [13, 51] } }
        { id = op_in, entity = user, where = { field = user_id, op = in, value = [u1, u3, zz] } }
        { id = op_not_in, entity = user, where = { field = account_id, op = not_in, value = [acme] } }
        { id = op_contains, entity = user, where = { field = trend, op = contains, value = hot } }
        { id = op_list_contains, entity = user, where = { field = activation_steps_done, op = contains, value = invited_recently } }
        { id = op_starts_with, entity = user, where = { field = trend, op = starts_with, value = ice } }
        { id = op_is_set, entity = user, where = { field = traits.role, op = is_set } }
        { id = op_is_not_set, entity = user, where = { field = email, op = is_not_set } }
        # Timing
        { id = seen_today, entity = user, where = { field = last_seen, op = within_days, days = 1 } }
        { id = first_seen_over_1d, entity = user, where = { field = first_seen, op = more_than_days_ago, days = 1 } }
        { id = first_seen_within_2d, entity = user, where = { field = first_seen, op = within_days, days = 2 } }
        # Events
        { id = ev_at_least, entity = user, where = { event = invite, at_least = 2, within_days = 7 } }
        { id = ev_at_most, entity = user, where = { event = edit, at_most = 1, within_days = 1 } }
        { id = ev_exactly, entity = user, where = { event = comment, exactly = 2, ever = true } }
        { id = ev_never, entity = user, where = { event = create, exactly = 0, ever = true } }
        { id = ev_window_edge, entity = user, where = { event = edit, at_least = 1, within_days = 2 } }
        { id = ev_property, entity = user, where = { event = export, at_least = 1, within_days = 7,
            where = [ { property = format, op = "=", value = csv } ] } }
        { id = ev_first_over_1d, entity = user, where = { event = create, occurrence = first, op = more_than_days_ago, days = 1 } }
        { id = ev_last_today, entity = user, where = { event = invite, occurrence = last, op = within_days, days = 1 } }
        # Account data in a user segment, nesting, references
        { id = in_pro_account, entity = user, where = { field = account.plan, op = "=", value = pro } }
        { id = nested, entity = user, where.all = [
            { not = { any = [ { field = role, op = "=", value = admin }, { field = engagement_score, op = ">", value = 40 } ] } }
            { any = [ { event = comment, at_least = 1, within_days = 1 }, { field = user_id, op = "=", value = u4 } ] }
        ] }
        { id = ref_c, entity = user, where.all = [ { segment = ref_b }, { field = activation_progress, op = "=", value = 25 } ] }
        { id = ref_b, entity = user, where = { segment = ref_a, member = false } }
        { id = ref_a, entity = user, where = { segment = op_ge } }
        { id = ref_generated, entity = user, where = { segment = most_engaged_users } }
        # Accounts: null traits, user aggregates, events, scores
        { id = acc_ne, entity = account, where = { field = plan, op = "!=", value = pro } }
        { id = acc_not_in, entity = account, where = { field = plan, op = not_in, value = [pro] } }
        { id = acc_in, entity = account, where = { field = plan, op = in, value = [free] } }
        { id = acc_plan_set, entity = account, where = { field = plan, op = is_set } }
        { id = acc_no_admin_count, entity = account, where = { users = { field = role, op = "=", value = admin }, count = { op = "=", value = 0 } } }
        { id = acc_all_active_share, entity = account, where = { users = { field = active, op = "=", value = true }, share = { op = ">=", value = 100 } } }
        { id = acc_any_created_today, entity = account, where = { users = { event = create, at_least = 1, within_days = 1 }, match = any } }
        { id = acc_all_started, entity = account, where = { users = { field = activation_progress, op = ">=", value = 25 }, match = all } }
        { id = acc_no_admins, entity = account, where = { users = { field = role, op = "=", value = admin }, match = none } }
        { id = acc_invites, entity = account, where = { event = invite, at_least = 4, ever = true } }
        { id = acc_seen_today, entity = account, where = { field = last_seen, op = within_days, days = 1 } }
        { id = acc_falling, entity = account, where = { field = score_change, op = "<=", value = -10 } }
        # Explained node by node in ExplainTest
        { id = explained, entity = account, where.all = [
            { any = [ { field = plan, op = "=", value = pro }, { event = invite, at_least = 4, ever = true } ] }
            { not = { field = score_change, op = "<=", value = -10 } }
            { users = { field = role, op = "=", value = admin }, count = { op = ">=", value = 1 } }
            { segment = acc_seen_today }
        ] }
      ]
      """;

  static TestRuns runs;
  static Map<String, Set<String>> d3;

  @BeforeAll
  static void run() {
    runs = ScoringScenario.runs();
    d3 = members(D3);
  }

  private static Map<String, Set<String>> members(Date date) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (Row r :
        runs.table(TableNames.SEGMENT_MEMBERS)
            .where(col("as_of_date").equalTo(lit(date)))
            .collectAsList()) {
      out.computeIfAbsent(r.getString(r.fieldIndex("segment_id")), k -> new TreeSet<>())
          .add(r.getString(r.fieldIndex("entity_id")));
    }
    return out;
  }

  private static void expect(String segment, String... ids) {
    assertEquals(new TreeSet<>(List.of(ids)), d3.getOrDefault(segment, Set.of()), segment);
  }

  @Test
  void fieldOperators() {
    expect("op_eq", "u1", "u6");
    expect("op_ne", "u2", "u3", "u4", "u5");
    expect("op_lt", "u4", "u5");
    expect("op_le", "u2", "u4", "u5");
    expect("op_gt", "u1");
    expect("op_ge", "u1", "u6");
    expect("op_between", "u2", "u3", "u5");
    expect("op_in", "u1", "u3");
    expect("op_not_in", "u4", "u5", "u6");
    expect("op_contains", "u2", "u5");
    expect("op_list_contains", "u1", "u3");
    expect("op_starts_with", "u6");
    expect("op_is_set", "u1", "u2", "u3", "u4", "u5", "u6");
    expect("op_is_not_set", "u1", "u2", "u3", "u4", "u5", "u6");
  }

  @Test
  void timingIsInWholeDaysWithTheRunDateIncluded() {
    // within_days 1 = seen on D3; first seen D1 is 2 days ago (> 1); D2 is 1 day ago (within 2).
    expect("seen_today", "u1", "u2", "u3", "u4", "u5", "u6");
    expect("first_seen_over_1d", "u1", "u2", "u4", "u5");
    expect("first_seen_within_2d", "u3", "u6");
  }

  @Test
  void eventConditions() {
    // invites in D1..D3: u1 2, u3 3. Edits on D3 alone: u2 1, u6 3, others 0 (at most 1 includes
    // 0).
    expect("ev_at_least", "u1", "u3");
    expect("ev_at_most", "u1", "u2", "u3", "u4", "u5");
    // Comments ever: u1 2 (D2), u3 1, u5 1. Never created: all but u1 and u6.
    expect("ev_exactly", "u1");
    expect("ev_never", "u2", "u3", "u4", "u5");
    // Window edge: 2 days = D2..D3, so u2's edits of D1 do not count, its D3 edit does.
    expect("ev_window_edge", "u1", "u2", "u6");
    expect("ev_property", "u2");
    // First create: u1 on D1 (2 days ago), u6 on D2 (1 day ago, not more than 1). Last invite on
    // D3: u1, u3.
    expect("ev_first_over_1d", "u1");
    expect("ev_last_today", "u1", "u3");
  }

  @Test
  void accountFieldsNestingAndReferences() {
    expect("in_pro_account", "u1", "u2", "u3");
    // not (admin or score > 40) leaves u2, u4, u5; of those, u5 commented on D3 and u4 is named.
    expect("nested", "u4", "u5");
    // A chain defined in reverse order: ref_a = op_ge (u1, u6); ref_b = not ref_a; ref_c = ref_b
    // and activation 25.
    expect("ref_a", "u1", "u6");
    expect("ref_b", "u2", "u3", "u4", "u5");
    expect("ref_c", "u2", "u4", "u5");
    expect("ref_generated", "u1");
  }

  @Test
  void accountSegmentsWithNullTraitsAndAccountsWithoutUsers() {
    // initech has no plan: it matches != and not_in, not in / is_set.
    expect("acc_ne", "globex", "initech");
    expect("acc_not_in", "globex", "initech");
    expect("acc_in", "globex");
    expect("acc_plan_set", "acme", "globex");
    // User aggregates: initech has no users (count 0 and none hold; share, any, all do not).
    expect("acc_no_admin_count", "initech");
    expect("acc_all_active_share", "acme");
    expect("acc_any_created_today", "acme");
    expect("acc_all_started", "acme", "globex");
    expect("acc_no_admins", "initech");
    // Invites of the account's users ever: acme 5 (u1 2, u3 3), globex 0.
    expect("acc_invites", "acme");
    expect("acc_seen_today", "acme", "globex");
    expect("acc_falling", "globex");
  }

  @Test
  void standardAndSuggestedSegments() {
    expect("all_users", "u1", "u2", "u3", "u4", "u5", "u6");
    expect("all_accounts", "acme", "globex", "initech");
    expect("active_users", "u1", "u2", "u3", "u5", "u6");
    expect("most_engaged_users", "u1");
    expect("slightly_engaged_users", "u3", "u6");
    expect("passive_users", "u2");
    expect("least_engaged_users", "u5");
    expect("red_hot_users", "u2", "u5");
    expect("ice_cold_users", "u6");
    // Period 1 day: new = created (first seen) on D3: nobody.
    expect("new_users");
    expect("active_today_users", "u1", "u2", "u3", "u4", "u5", "u6");
    expect("multi_user_accounts", "acme", "globex");
    // lin workspace (percentile bands of u1 100, u2 33, u3 26): most engaged = 100 and up.
    expect("lin_most_engaged_users", "u1");
    expect("lin_passive_users", "u3");
  }

  @Test
  void everySegmentHasItsOwnTableAndChangesAgainstThePreviousDay() {
    // Each membership table holds the same members as segment_members.
    for (String id : List.of("op_eq", "acc_ne", "most_engaged_users")) {
      Set<String> fromTable = new TreeSet<>();
      String idColumn = id.startsWith("acc") ? "account_id" : "user_id";
      for (Row r :
          runs.table(TableNames.segment(id))
              .where(col("as_of_date").equalTo(lit(D3)))
              .collectAsList()) {
        fromTable.add(r.getString(r.fieldIndex(idColumn)));
      }
      assertEquals(d3.getOrDefault(id, Set.of()), fromTable, "segment_" + id);
    }
    // most engaged (>= 75): D2 u1 85, u6 90; D3 only u1. slightly (50-74): D2 u3 54; D3 u3, u6.
    List<String> changes = new ArrayList<>();
    for (Row r :
        runs.table(TableNames.SEGMENT_CHANGES)
            .where(
                col("as_of_date")
                    .equalTo(lit(D3))
                    .and(col("segment_id").isin("most_engaged_users", "slightly_engaged_users")))
            .collectAsList()) {
      changes.add(
          r.getString(r.fieldIndex("segment_id"))
              + " "
              + r.getString(r.fieldIndex("entity_id"))
              + " "
              + r.getString(r.fieldIndex("change")));
    }
    changes.sort(String::compareTo);
    assertEquals(
        List.of("most_engaged_users u6 exited", "slightly_engaged_users u6 entered"), changes);
    Row sizes =
        runs.table(TableNames.SEGMENT_SIZES)
            .where(
                col("as_of_date")
                    .equalTo(lit(D3))
                    .and(col("segment_id").equalTo("slightly_engaged_users")))
            .first();
    assertEquals(
        List.of(2L, 1L, 0L),
        List.of(
            sizes.getLong(sizes.fieldIndex("members")),
            sizes.getLong(sizes.fieldIndex("entered")),
            sizes.getLong(sizes.fieldIndex("exited"))));
    Row def =
        runs.table(TableNames.SEGMENT_DEFINITIONS)
            .where(col("segment_id").equalTo("ref_b"))
            .first();
    assertEquals("custom", def.getString(def.fieldIndex("kind")));
    assertTrue(
        def.getString(def.fieldIndex("definition")).contains("\"segment\":\"ref_a\""),
        def.toString());
    assertEquals(Date.valueOf("2026-04-01"), def.getDate(def.fieldIndex("first_defined")));
  }

  @Test
  @org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_OUT)
  void previewPrintsSizeAndMembersAndWritesNothing() throws Exception {
    Path file = java.nio.file.Files.createTempFile("preview", ".conf");
    java.nio.file.Files.writeString(
        file,
        "segments = [ { id = try_admins, entity = user, where = { field = role, op = \"=\", value = admin } } ]");
    java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
    java.io.PrintStream original = System.out;
    System.setOut(new java.io.PrintStream(buffer, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      assertEquals(0, runs.run("preview", "--segment", file.toString(), "--date", "2026-04-03"));
      assertEquals(0, runs.run("preview", "--segment", "op_between", "--date", "2026-04-03"));
    } finally {
      System.setOut(original);
    }
    String out = buffer.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(out.contains("try_admins on 2026-04-03: 2 members (nothing written)"), out);
    assertTrue(out.contains("op_between on 2026-04-03: 3 members (nothing written)"), out);
    assertTrue(out.contains("u6"), out);
    assertTrue(
        !java.nio.file.Files.exists(
            java.nio.file.Path.of(runs.warehouse().path(TableNames.segment("try_admins")))),
        "preview must not write a table");
  }

  @Test
  void validateExitsNonZeroOnABadDefinition() throws Exception {
    Path bad = java.nio.file.Files.createTempDirectory("bad-segments");
    java.nio.file.Files.writeString(
        bad.resolve("bad.conf"),
        "segments = [ { id = x, entity = user, where = { field = nope, op = is_set } } ]");
    assertEquals(1, runs.run("validate", "--segments-dir", bad.toString()));
    assertEquals(0, runs.run("validate"));
  }

  @Test
  void rerunOfTheDayGivesTheSameMemberships() {
    runs.ok("segments", "--date", "2026-04-03");
    assertEquals(d3, members(D3));
  }
}
