package dev.segments.jobs.features;

import static dev.segments.jobs.TestRuns.group;
import static dev.segments.jobs.TestRuns.track;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segments.common.tables.TableNames;
import dev.segments.jobs.TestRuns;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-level account tree a ← b ← c, and a cycle x ↔ y. Every expected value below is worked out
 * by hand from the input lines.
 */
class AccountHierarchyTest {
  @TempDir Path dir;

  @Test
  void resolveBuildsTheTreeAndBreaksCyclesAtTheSmallestId() {
    AccountHierarchy.Tree tree =
        AccountHierarchy.resolve(
            Map.of("b", "a", "c", "b", "d", "b", "x", "y", "y", "x", "s", "s"));
    Map<String, AccountHierarchy.Node> byId =
        tree.nodes().stream().collect(Collectors.toMap(AccountHierarchy.Node::accountId, n -> n));
    assertEquals(
        List.of("a", "b", "c", "d", "s", "x", "y"), List.copyOf(new TreeSet<>(byId.keySet())));
    // a: the root of b, c, d; b: under a, over c and d; c and d two steps down.
    assertEquals(
        new AccountHierarchy.Node("a", null, null, false, "a", 0, List.of(), 1, 3), byId.get("a"));
    assertEquals(
        new AccountHierarchy.Node("b", "a", "a", false, "a", 1, List.of("a"), 2, 2), byId.get("b"));
    assertEquals(
        new AccountHierarchy.Node("c", "b", "b", false, "a", 2, List.of("b", "a"), 0, 0),
        byId.get("c"));
    assertEquals(
        new AccountHierarchy.Node("d", "b", "b", false, "a", 2, List.of("b", "a"), 0, 0),
        byId.get("d"));
    // x ↔ y: x is the smaller id, so x's parent (y) is dropped; y stays under x.
    assertEquals(
        new AccountHierarchy.Node("x", null, "y", true, "x", 0, List.of(), 1, 1), byId.get("x"));
    assertEquals(
        new AccountHierarchy.Node("y", "x", "x", false, "x", 1, List.of("x"), 0, 0), byId.get("y"));
    // s names itself: dropped, s is a root with nothing under it.
    assertEquals(
        new AccountHierarchy.Node("s", null, "s", true, "s", 0, List.of(), 0, 0), byId.get("s"));
    assertEquals(List.of(List.of("s", "s"), List.of("x", "y", "x")), tree.cycles());
    assertEquals(List.of("a", "b", "x"), tree.parents());
    assertEquals(
        List.of(
            "account hierarchy: cycle s -> s; s's parent_group_id (s) is ignored, s is a root",
            "account hierarchy: cycle x -> y -> x; x's parent_group_id (y) is ignored, x is a root"),
        tree.cycleReports("parent_group_id"));
  }

  @Test
  void parentRowsRollUpTheirTreeAndSegmentsChooseTheLevel() {
    TestRuns runs = new TestRuns(dir.resolve("in"), dir.resolve("wh"));
    String day = "2026-05-01";
    runs.segments(
        "levels.conf",
        """
        segments = [
          { id = h_leaf, entity = account, where = { field = total_events_1d, op = ">=", value = 4 } }
          { id = h_parent, entity = account, level = parent,
            where = { field = total_events_1d, op = ">=", value = 4 } }
          { id = h_any, entity = account, level = any,
            where = { field = total_events_1d, op = ">=", value = 4 } }
          { id = h_team, entity = account, level = parent,
            where = { users = { event = login, at_least = 1, within_days = 1 },
                      count = { op = ">=", value = 2 } } }
        ]
        """);
    runs.day(
        day,
        group("g1", "2026-05-01T01:00:00Z", "u1", "a", "{\"name\":\"A\"}"),
        group("g2", "2026-05-01T01:00:00Z", "u2", "b", "{\"parent_group_id\":\"a\"}"),
        group("g3", "2026-05-01T01:00:00Z", "u3", "c", "{\"parent_group_id\":\"b\"}"),
        group("g4", "2026-05-01T01:00:00Z", "u4", "c", "{\"parent_group_id\":\"b\"}"),
        group("g5", "2026-05-01T01:00:00Z", "u5", "x", "{\"parent_group_id\":\"y\"}"),
        group("g6", "2026-05-01T01:00:00Z", null, "y", "{\"parent_group_id\":\"x\"}"),
        track("t1", "2026-05-01T09:00:00Z", "u1", "login"),
        track("t2", "2026-05-01T09:00:00Z", "u2", "login"),
        track("t3", "2026-05-01T10:00:00Z", "u2", "login"),
        track("t4", "2026-05-01T09:00:00Z", "u3", "login"),
        track("t5", "2026-05-01T10:00:00Z", "u3", "login"),
        track("t6", "2026-05-01T11:00:00Z", "u3", "login"),
        track("t7", "2026-05-01T09:00:00Z", "u4", "report_created"),
        track("t8", "2026-05-01T09:00:00Z", "u5", "login"));
    runs.ok("run", "--date", day, "--stages", "ingest,features,score,segments");

    // The tree: a ← b ← c; x ↔ y broken at x (the smaller id).
    assertEquals(
        Set.of(
            "a|null|null|false|a|0|[]|1|2",
            "b|a|a|false|a|1|[a]|1|1",
            "c|b|b|false|a|2|[b, a]|0|0",
            "x|null|y|true|x|0|[]|1|1",
            "y|x|x|false|x|1|[x]|0|0"),
        rows(
            runs,
            TableNames.ACCOUNT_HIERARCHY,
            "account_id",
            "parent_account_id",
            "declared_parent_id",
            "cycle_broken",
            "root_account_id",
            "depth",
            "ancestors",
            "child_accounts",
            "descendant_accounts"));

    // Leaf rows: each account's own users (a: u1; b: u2; c: u3, u4; x: u5; y: none). Parent rows:
    // a over u1..u4 (1 + 2 + 3 + 1 events), b over u2..u4 (2 + 3 + 1), x over u5 and y's none.
    assertEquals(
        Set.of(
            "a|leaf|1|1",
            "b|leaf|1|2",
            "c|leaf|2|4",
            "x|leaf|1|1",
            "y|leaf|0|0",
            "a|parent|4|7",
            "b|parent|3|6",
            "x|parent|1|1"),
        rows(
            runs,
            TableNames.ACCOUNT_FEATURES,
            "account_id",
            "level",
            "member_users",
            "total_events_1d"));

    // Every event scores 1 (no features configured), so raw = events in the period.
    // Leaf benchmark: p90 of {1, 2, 4, 1} = 4; score = round(100 (1 - 10^(-raw/4))):
    //   raw 1 → 43.77 → 44, 2 → 68.38 → 68, 4 → 90. Parent benchmark: p90 of {7, 6, 1} = 7:
    //   raw 7 → 90, 6 → 100 (1 - 10^(-6/7)) = 86.10 → 86, 1 → 100 (1 - 10^(-1/7)) = 28.03 → 28.
    assertEquals(
        Set.of(
            "a|leaf|1.0|44",
            "b|leaf|2.0|68",
            "c|leaf|4.0|90",
            "x|leaf|1.0|44",
            "y|leaf|0.0|0",
            "a|parent|7.0|90",
            "b|parent|6.0|86",
            "x|parent|1.0|28"),
        rows(
            runs,
            TableNames.ACCOUNT_SCORES,
            "account_id",
            "level",
            "raw_score",
            "engagement_score"));

    // total_events_1d >= 4: leaf c (4); parent a (7), b (6); any: a, b (their parent rows) and c
    // (no children: its leaf row). Two or more users with a login, over the parent rows: a (u1, u2,
    // u3), b (u2, u3); x has one. The standard all_accounts reads the leaf rows: each account once.
    assertEquals(Set.of("c"), members(runs, "h_leaf"));
    assertEquals(Set.of("a", "b"), members(runs, "h_parent"));
    assertEquals(Set.of("a", "b", "c"), members(runs, "h_any"));
    assertEquals(Set.of("a", "b"), members(runs, "h_team"));
    assertEquals(Set.of("a", "b", "c", "x", "y"), members(runs, "all_accounts"));
    assertEquals(
        5L,
        runs.table(TableNames.SEGMENT_MEMBERS)
            .where(col("segment_id").equalTo("all_accounts"))
            .count());
  }

  private static Set<String> rows(TestRuns runs, String table, String... columns) {
    Set<String> out = new TreeSet<>();
    for (Row r : runs.table(table).selectExpr(columns).collectAsList()) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < columns.length; i++) {
        Object v = r.get(i);
        if (v instanceof scala.collection.Seq<?>) {
          v = r.getList(i);
        }
        sb.append(i == 0 ? "" : "|").append(v);
      }
      out.add(sb.toString());
    }
    return out;
  }

  private static Set<String> members(TestRuns runs, String segment) {
    return runs
        .table(TableNames.SEGMENT_MEMBERS)
        .where(col("segment_id").equalTo(segment))
        .select("entity_id")
        .collectAsList()
        .stream()
        .map(r -> r.getString(0))
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
