package dev.segments.common.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TableDocsTest {
  static final String PAGE = String.join("\n",
      "# Tables",
      "Intro text that is no table.",
      "",
      "### `things`",
      "One row per thing,",
      "per `as_of_date` (partition).",
      "",
      "A second paragraph that is not part of the comment.",
      "",
      "| column | type | meaning |",
      "|---|---|---|",
      "| `as_of_date` | date | the run date |",
      "| `count_<N>d` | long | things in the **window** |",
      "| `user_id` / `account_id` | string | whose |",
      "| *traits* | typed | configured traits |",
      "",
      "| reason | meaning |",
      "|---|---|",
      "| `bad` | not a column |",
      "",
      "### `seg_<id>`",
      "One table per segment.",
      "",
      "| column | type | meaning |",
      "|---|---|---|",
      "| `member` | string | a member |",
      "",
      "### `seg_counts`",
      "The columns of `seg_sizes` per day; the columns of `seg_sizes` again.",
      "",
      "| column | type | meaning |",
      "|---|---|---|",
      "| `day` | date | the day |",
      "",
      "### `seg_sizes`",
      "Sizes.",
      "",
      "| column | type | meaning |",
      "|---|---|---|",
      "| `members` | long | how many |");

  @Test
  void tableCommentIsTheFirstParagraphAndColumnsComeFromTheTable() {
    TableDocs docs = TableDocs.parse(PAGE);
    assertEquals(Optional.of("One row per thing, per as_of_date (partition)."), docs.tableComment("things"));
    assertEquals(Optional.of("the run date"), docs.columnComment("things", "as_of_date"));
    assertEquals(Optional.of("things in the window"), docs.columnComment("things", "count_7d"));
    assertEquals(Optional.of("things in the window"), docs.columnComment("things", "count_90d"));
    assertEquals(Optional.of("configured traits (trait count_xd)"), docs.columnComment("things", "count_xd"));
    assertEquals(Optional.of("whose"), docs.columnComment("things", "account_id"));
    assertEquals(Optional.of("configured traits (trait plan)"), docs.columnComment("things", "plan"));
    assertEquals(Optional.empty(), docs.tableComment("unknown"));
    assertEquals(Optional.empty(), docs.columnComment("unknown", "as_of_date"));
  }

  @Test
  void anExactNameWinsOverAPatternAndSectionsWithoutTraitsHaveNoFallback() {
    TableDocs docs = TableDocs.parse(PAGE);
    assertEquals(Optional.of("Sizes."), docs.tableComment("seg_sizes"));
    assertEquals(Optional.of("how many"), docs.columnComment("seg_sizes", "members"));
    assertEquals(Optional.empty(), docs.columnComment("seg_sizes", "member"));
    assertEquals(Optional.of("One table per segment."), docs.tableComment("seg_most_engaged"));
    assertEquals(Optional.of("a member"), docs.columnComment("seg_most_engaged", "member"));
    assertEquals(Optional.empty(), docs.columnComment("seg_most_engaged", "bad"));
  }

  @Test
  void aSectionNamingTheColumnsOfAnotherTableInheritsThem() {
    TableDocs docs = TableDocs.parse(PAGE);
    assertEquals(Optional.of("the day"), docs.columnComment("seg_counts", "day"));
    assertEquals(Optional.of("how many"), docs.columnComment("seg_counts", "members"));
    assertEquals(Optional.empty(), docs.columnComment("seg_counts", "other"));
  }

  @Test
  void thePackagedPageDescribesEveryTable() {
    TableDocs docs = TableDocs.get();
    for (String table : TableNames.ALL) {
      assertTrue(docs.tableComment(table).isPresent(), table);
    }
    assertTrue(docs.tableComment(TableNames.segment("new_users")).orElseThrow().startsWith("One table per segment"));
    assertEquals(Optional.of("the call's messageId (unique across the table)"), docs.columnComment("events", "message_id"));
  }
}
