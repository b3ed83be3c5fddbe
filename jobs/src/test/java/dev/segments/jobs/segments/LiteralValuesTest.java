package dev.segments.jobs.segments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.common.config.Settings;
import dev.segments.common.config.SettingsLoader;
import dev.segments.common.segments.SegmentDefinition;
import dev.segments.common.segments.SegmentDefinition.Entity;
import dev.segments.common.segments.SegmentLoader;
import dev.segments.common.testing.SparkTestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values in segment definitions are literals: quotes, backticks, semicolons, SQL keywords, LIKE and
 * regex wildcards and non-ASCII text match exactly what they say, as field values and as trait
 * names, parsed from a definitions file and compiled to the Spark condition the segments stage
 * runs.
 */
class LiteralValuesTest {
  @TempDir Path dir;

  /** Every role is a trap for some way of building a query from text. */
  static final List<String> ROLES =
      List.of(
          "o'brien",
          "say \"hi\"",
          "`admin`",
          "x'; DROP TABLE user_features; --",
          "SELECT",
          "NULL",
          "100%",
          "a_b",
          ".*",
          "caf\u00e9 \u00fcber \ud83d\udc69\u200d\ud83d\udcbb",
          "back\\slash",
          "${HOME}");

  /** Near misses: each would match one of the roles above under a loose comparison. */
  static final List<String> DECOYS =
      List.of("o''brien", "OBRIEN", "admin", "select", "100", "axb", "anything", "cafe uber", "");

  private Dataset<Row> users() {
    StructType schema =
        new StructType()
            .add("user_id", DataTypes.StringType)
            .add("role", DataTypes.StringType)
            .add("traits", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));
    List<Row> rows = new ArrayList<>();
    List<String> all = new ArrayList<>(ROLES);
    all.addAll(DECOYS);
    for (int i = 0; i < all.size(); i++) {
      // The trait map holds the role under a key that is itself a trap.
      rows.add(
          RowFactory.create("u" + i, all.get(i), scala(Map.of("team's `name`; --", all.get(i)))));
    }
    rows.add(RowFactory.create("u_null", null, scala(Map.of())));
    return SparkTestSupport.spark().createDataFrame(rows, schema);
  }

  private static scala.collection.Map<String, String> scala(Map<String, String> m) {
    return scala.jdk.javaapi.CollectionConverters.asScala(m);
  }

  /** HOCON text of a string: quoted, with quotes and backslashes escaped. */
  private static String hocon(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private List<SegmentDefinition> load(String segments) throws IOException {
    Path folder = Files.createDirectories(dir.resolve("segments"));
    Files.writeString(folder.resolve("literal.conf"), "segments = [\n" + segments + "\n]\n");
    Settings settings =
        SettingsLoader.load(Optional.empty(), Map.of("segments.dir", folder.toString()));
    SegmentLoader.Result r = SegmentLoader.load(folder, settings);
    assertTrue(r.ok(), String.join("\n", r.errors()));
    return r.segments().stream().filter(s -> s.id().startsWith("lit_")).toList();
  }

  private TreeSet<String> members(SegmentDefinition d, Dataset<Row> users) {
    SegmentCompiler compiler = new SegmentCompiler(LocalDate.of(2026, 5, 1), Map.of());
    TreeSet<String> out = new TreeSet<>();
    users
        .where(compiler.compile(d.where(), Entity.USER, "default"))
        .select("user_id")
        .collectAsList()
        .forEach(r -> out.add(r.getString(0)));
    return out;
  }

  @Test
  void everyValueMatchesExactlyItself() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < ROLES.size(); i++) {
      String v = hocon(ROLES.get(i));
      text.append("{ id = lit_eq_")
          .append(i)
          .append(", entity = user, where = { field = role, op = \"=\", value = ")
          .append(v)
          .append(" } }\n");
      text.append("{ id = lit_in_")
          .append(i)
          .append(", entity = user, where = { field = role, op = in, value = [")
          .append(v)
          .append(", \"nobody\"] } }\n");
      text.append("{ id = lit_trait_")
          .append(i)
          .append(
              ", entity = user, where = { field = \"traits.team's `name`; --\", op = \"=\", value = ")
          .append(v)
          .append(" } }\n");
    }
    // Wildcards of LIKE and of regular expressions are plain characters in contains / starts_with.
    text.append(
        "{ id = lit_contains_pct, entity = user, where = { field = role, op = contains, value = \"%\" } }\n");
    text.append(
        "{ id = lit_contains_us, entity = user, where = { field = role, op = contains, value = \"_\" } }\n");
    text.append(
        "{ id = lit_starts_dot, entity = user, where = { field = role, op = starts_with, value = \".\" } }\n");
    text.append(
        "{ id = lit_not_select, entity = user, where = { field = role, op = \"!=\", value = \"SELECT\" } }\n");
    Dataset<Row> users = users();
    Map<String, SegmentDefinition> byId = new java.util.HashMap<>();
    load(text.toString()).forEach(d -> byId.put(d.id(), d));
    assertEquals(3 * ROLES.size() + 4, byId.size());
    for (int i = 0; i < ROLES.size(); i++) {
      TreeSet<String> only = new TreeSet<>(List.of("u" + i));
      assertEquals(only, members(byId.get("lit_eq_" + i), users), "= " + ROLES.get(i));
      assertEquals(only, members(byId.get("lit_in_" + i), users), "in " + ROLES.get(i));
      assertEquals(only, members(byId.get("lit_trait_" + i), users), "trait " + ROLES.get(i));
    }
    // Roles with a literal %: "100%" (u6) only; with _: "a_b" (u7) and the one naming
    // user_features (u3); starting with ".": ".*" (u8) only.
    assertEquals(new TreeSet<>(List.of("u6")), members(byId.get("lit_contains_pct"), users));
    assertEquals(new TreeSet<>(List.of("u3", "u7")), members(byId.get("lit_contains_us"), users));
    assertEquals(new TreeSet<>(List.of("u8")), members(byId.get("lit_starts_dot"), users));
    // != keeps every other user: the 20 other users with a role, and the one without (a missing
    // value matches != as docs/segments.md says).
    TreeSet<String> notSelect = members(byId.get("lit_not_select"), users);
    assertEquals(ROLES.size() + DECOYS.size() - 1 + 1, notSelect.size());
    assertTrue(!notSelect.contains("u4") && notSelect.contains("u_null"), notSelect.toString());
  }
}
