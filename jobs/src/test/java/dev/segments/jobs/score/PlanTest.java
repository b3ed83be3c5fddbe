package dev.segments.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.common.tables.TableNames;
import dev.segments.common.testing.Console;
import dev.segments.jobs.TestRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * {@code segments plan} on the scoring scenario (scores on D3 in SegmentsTest's comment: u1 90, u2
 * 35, u3 51, u4 0, u5 13, u6 73), with working definitions that change one segment, add one and
 * remove one:
 *
 * <ul>
 *   <li>op_between: score between 13 and 51 (u2, u3, u5) becomes between 0 and 35 (u2, u4, u5): u4
 *       enters, u3 exits;
 *   <li>try_admins (new): role = admin: u1 and u6 enter;
 *   <li>acc_falling (removed): globex (change −24) exits.
 * </ul>
 */
// Alone: other classes print stage lines to System.out while it is captured, and the lines
// here are asserted exactly.
@Isolated
class PlanTest {
  static TestRuns runs;
  @TempDir static Path dir;
  static Path working;

  @BeforeAll
  static void scenario() throws Exception {
    runs = ScoringScenario.runs();
    working = dir.resolve("working");
    Files.createDirectories(working);
    String defs =
        SegmentsTest.DEFINITIONS
            .replace(
                "{ id = op_between, entity = user, where = { field = engagement_score, op = between, value = [13, 51] } }",
                "{ id = op_between, entity = user, where = { field = engagement_score, op = between, value = [0, 35] } }\n"
                    + "  { id = try_admins, entity = user, where = { field = role, op = \"=\", value = admin } }")
            .replace(
                "{ id = acc_falling, entity = account, where = { field = score_change, op = \"<=\", value = -10 } }",
                "");
    assertTrue(defs.contains("try_admins") && !defs.contains("acc_falling"), "edited definitions");
    Files.writeString(working.resolve("custom.conf"), defs);
  }

  private static Console.Captured plan(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "plan";
    System.arraycopy(args, 0, all, 1, args.length);
    return Console.capture(() -> runs.run(all));
  }

  @Test
  void newChangedAndRemovedWithWhoEntersAndExits() {
    Console.Captured c = plan("--segments-dir", working.toString());
    assertEquals(2, c.code(), c.out() + c.err());
    List<String> lines = c.out().lines().filter(l -> !l.isBlank()).toList();
    assertTrue(lines.get(0).startsWith("plan: the working definitions ("), lines.get(0));
    assertTrue(
        lines.get(0).endsWith(" against segment_definitions, members on 2026-04-03"), lines.get(0));
    assertEquals(
        List.of(
            "+ new      try_admins (user): 0 -> 2 members, 2 enter, 0 exit",
            "    enter: u1, u6",
            "~ changed  op_between (user): 3 -> 3 members, 1 enter, 1 exit",
            "    enter: u4",
            "    exit: u3",
            "- removed  acc_falling (account): 1 -> 0 members, 0 enter, 1 exit",
            "    exit: globex",
            "3 segments would change (1 new, 1 changed, 1 removed). Nothing was written."),
        lines.subList(1, lines.size()));
    // Nothing written: no table for the new segment, the definitions as deployed.
    assertFalse(Files.exists(Path.of(runs.warehouse().path(TableNames.segment("try_admins")))));
    assertEquals(
        1,
        runs.table(TableNames.SEGMENT_DEFINITIONS)
            .where("segment_id = 'acc_falling' AND active")
            .count());
  }

  @Test
  void theDeployedDefinitionsPlanNothingAndExitZero() {
    Console.Captured c =
        plan("--segments-dir", runs.segmentsDir().toString(), "--date", "2026-04-03");
    assertEquals(0, c.code(), c.out() + c.err());
    assertTrue(
        c.out().contains("No changes: every segment is defined as deployed. Nothing was written."),
        c.out());
  }

  @Test
  void asJsonWithASampleOfOne() throws Exception {
    Console.Captured c = plan("--segments-dir", working.toString(), "--json", "--sample", "1");
    assertEquals(2, c.code(), c.err());
    JsonNode j = new ObjectMapper().readTree(c.out().substring(c.out().indexOf('{')));
    assertEquals(3, j.path("changes").asInt());
    JsonNode added = j.path("items").path(0);
    assertEquals("try_admins", added.path("segment_id").asText());
    assertEquals("new", added.path("change").asText());
    assertEquals(2, added.path("entered").asLong());
    assertEquals(List.of("u1"), List.of(added.path("entered_sample").path(0).asText()));
    assertEquals(1, added.path("entered_sample").size());
  }

  @Test
  void aDateTheStageDidNotRunIsAClearError() {
    Console.Captured c = plan("--segments-dir", working.toString(), "--date", "2026-05-01");
    assertEquals(1, c.code());
    assertTrue(
        c.err().contains("The segments stage did not run on 2026-05-01")
            && c.err().contains("(the latest is 2026-04-03)"),
        c.err());
  }
}
