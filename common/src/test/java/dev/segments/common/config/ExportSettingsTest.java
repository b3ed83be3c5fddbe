package dev.segments.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.common.config.ExportSettings.Destination;
import dev.segments.common.segments.SegmentDefinition.Entity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** exports.destinations.*: each destination over its type's defaults, every mistake named. */
class ExportSettingsTest {
  private static Settings load(String name, String hocon) {
    return SettingsLoader.load(Optional.empty(), Map.of("exports.destinations." + name, hocon));
  }

  private static String problems(String name, String hocon) {
    return String.join(
        "\n", assertThrows(InvalidConfigException.class, () -> load(name, hocon)).problems());
  }

  @Test
  void noDestinationsByDefault() {
    assertEquals(
        List.of(), SettingsLoader.load(Optional.empty(), Map.of()).exports().destinations());
  }

  @Test
  void aDestinationStartsFromItsTypesDefaults() {
    Destination d =
        load("crm", "{ type = hubspot, segments = [\"trial_*\"], rate-limit.requests = 190 }")
            .exports()
            .destination("crm")
            .orElseThrow();
    assertEquals(ExportSettings.Type.HUBSPOT, d.type());
    assertEquals(List.of("trial_*"), d.segments());
    assertEquals(List.of(Entity.USER, Entity.ACCOUNT), d.entities());
    assertEquals("https://api.hubapi.com", d.baseUrl());
    assertEquals("HUBSPOT_TOKEN", d.credentialEnv());
    assertEquals(100, d.batchSize());
    assertEquals(190, d.rateLimitRequests());
    assertEquals(Duration.ofSeconds(10), d.rateLimitPeriod());
    assertEquals("email", d.userIdColumn());
    assertEquals("/crm/v3/lists", d.option("lists-path"));
    Destination s =
        load("cdp", "{ type = segment, segments = [\"kind:custom\"] }")
            .exports()
            .destination("cdp")
            .get();
    assertEquals(2500, s.batchSize());
    assertEquals("user_id", s.userIdColumn());
  }

  @Test
  void mistakesAreNamedWithTheirKey() {
    assertTrue(
        problems("crm", "{ type = salesforce }")
            .contains("exports.destinations.\"crm\".type = salesforce"));
    assertTrue(
        problems("crm", "{ type = hubspot, colour = red }")
            .contains("unknown key 'exports.destinations.\"crm\".colour'"));
    String p = problems("crm", "{ type = hubspot, fields = [engagement_score, shoe_size] }");
    assertTrue(p.contains("fields = shoe_size"), p);
    assertTrue(
        problems("crm", "{ type = hubspot, workspace = nope }").contains("workspace = nope"));
    assertTrue(
        problems("crm", "{ type = hubspot, segments = [\"kind:vip\"] }").contains("unknown kind"));
    assertTrue(
        problems("crm", "{ type = hubspot, batch-size = 500 }").contains("batch-size = 500"));
    assertTrue(
        problems("crm", "{ type = intercom, user-id-column = phone }")
            .contains("user-id-column = phone"));
    assertTrue(problems("drop", "{ type = files, formats = [xml] }").contains("formats = xml"));
    assertTrue(
        problems("crm", "{ type = segment, base-url = \"ftp://x\" }")
            .contains("base-url = ftp://x"));
  }
}
