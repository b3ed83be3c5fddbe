package dev.segments.jobs.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The generator without Spark: determinism and the shape of what it makes. */
class SampleLinesTest {
  static final GeneratorSpec SPEC =
      new GeneratorSpec(LocalDate.parse("2026-01-05"), 28, 300, 30, 8, 42, 0.01, 1);
  static final ObjectMapper JSON = new ObjectMapper();

  private static List<SampleLines.Line> all(GeneratorSpec spec) {
    List<SampleLines.Line> lines = new ArrayList<>();
    for (long u = 0; u < spec.users(); u++) {
      lines.addAll(SampleLines.userLines(spec, u));
    }
    for (long a = 0; a < spec.accounts(); a++) {
      lines.addAll(SampleLines.accountLines(spec, a));
    }
    return lines;
  }

  @Test
  void sameSeedSameLinesOtherSeedOtherLines() {
    assertEquals(all(SPEC), all(SPEC));
    GeneratorSpec other =
        new GeneratorSpec(SPEC.start(), SPEC.days(), SPEC.users(), SPEC.accounts(), 8, 43, 0.01, 1);
    assertNotEquals(all(SPEC), all(other));
  }

  @Test
  void looksLikeAProduct() throws Exception {
    List<SampleLines.Line> lines = all(SPEC);
    Map<String, Integer> perDay = new HashMap<>();
    Set<String> events = new HashSet<>();
    Map<String, Set<String>> usersPerAccount = new HashMap<>();
    int identifies = 0;
    int late = 0;
    for (SampleLines.Line line : lines) {
      perDay.merge(line.dt(), 1, Integer::sum);
      JsonNode n;
      try {
        n = JSON.readTree(line.text());
      } catch (Exception notJson) {
        continue; // a bad row on purpose
      }
      if (n == null || !n.isObject() || !n.has("type") || !n.has("timestamp")) {
        continue;
      }
      String type = n.get("type").asText();
      if (type.equals("track") && n.has("event")) {
        events.add(n.get("event").asText());
      }
      if (type.equals("identify")) {
        identifies++;
      }
      if (type.equals("group") && n.has("userId") && n.has("groupId")) {
        usersPerAccount
            .computeIfAbsent(n.get("groupId").asText(), k -> new HashSet<>())
            .add(n.get("userId").asText());
      }
      String ts = n.get("timestamp").asText();
      if (ts.length() >= 10
          && ts.substring(0, 10).compareTo(line.dt()) < 0
          && !ts.endsWith("+05:30")
          && !ts.endsWith("+02:00")) {
        late++;
      }
    }
    assertEquals(SPEC.days(), perDay.size(), "a folder for every day");
    assertTrue(events.size() >= 25, "about 30 event names, got " + events.size());
    assertTrue(identifies > 300, "identify calls: " + identifies);
    assertTrue(late > 0, "some events arrive late");
    int largest = usersPerAccount.values().stream().mapToInt(Set::size).max().orElse(0);
    int smallest = usersPerAccount.values().stream().mapToInt(Set::size).min().orElse(0);
    assertTrue(
        largest >= 5 * Math.max(1, smallest),
        "skewed account sizes: " + smallest + " .. " + largest);
    // Weekdays are busier than weekends.
    int weekday = 0;
    int weekend = 0;
    for (Map.Entry<String, Integer> e : perDay.entrySet()) {
      switch (LocalDate.parse(e.getKey()).getDayOfWeek()) {
        case SATURDAY, SUNDAY -> weekend += e.getValue();
        default -> weekday += e.getValue();
      }
    }
    assertTrue(weekday / 5.0 > 1.5 * (weekend / 2.0), "weekday " + weekday + " weekend " + weekend);
  }

  @Test
  void badSpecsAreRefused() {
    dev.segments.common.UserError e =
        assertThrows(
            dev.segments.common.UserError.class,
            () -> new GeneratorSpec(LocalDate.parse("2026-01-01"), 0, 10, 1, 8, 1, 0, 1));
    assertEquals("Cannot generate: --days must be at least 1, got 0", e.getMessage());
  }
}
