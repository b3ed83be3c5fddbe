package dev.segments.jobs.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.common.config.ExportSettings.Destination;
import dev.segments.common.config.SettingsLoader;
import dev.segments.common.segments.SegmentDefinition.Entity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Segment's limits, checked here because the API answers 200 to what it drops (no Spark). */
class SegmentConnectorTest {
  static Destination destination(FakeSegment api) {
    return SettingsLoader.load(
            Optional.empty(),
            Map.of(
                "exports.destinations.cdp",
                "{ type = segment, base-url = \""
                    + api.baseUrl()
                    + "\", segments = [active_users], rate-limit { requests = 1000, period = 1s } }"))
        .exports()
        .destination("cdp")
        .orElseThrow();
  }

  static Change change(String id, String text) {
    return new Change(
        Entity.USER,
        id,
        id,
        List.of("active_users"),
        List.of(),
        Map.of("note", text),
        "h-" + id,
        null,
        Optional.empty(),
        0,
        null);
  }

  @Test
  void requestsStayUnder500KbAndEventsUnder32Kb() {
    try (FakeSegment api = new FakeSegment("key")) {
      SegmentConnector c = new SegmentConnector(destination(api), "key");
      List<Change> batch = new ArrayList<>();
      // 300 records of ~2.1 KB (identify + one track each): ~700 KB, so at least two requests.
      for (int i = 0; i < 300; i++) {
        batch.add(change("u" + i, "x".repeat(2000)));
      }
      // One record whose identify is over 32 KB: refused here with the reason, not sent.
      batch.add(change("big", "y".repeat(33 * 1024)));
      List<Ack> acks = c.send(Entity.USER, batch);
      assertEquals(301, acks.size());
      Ack big = acks.stream().filter(a -> a.change().entityId().equals("big")).findFirst().get();
      assertTrue(big.error().orElse("").contains("32 KB"), big.toString());
      assertEquals(300, acks.stream().filter(Ack::ok).count());
      List<FakeApi.Request> posts = api.received("POST", "/v1/batch");
      assertTrue(posts.size() >= 2, "one request of ~700 KB");
      for (FakeApi.Request r : posts) {
        assertTrue(r.body().getBytes(StandardCharsets.UTF_8).length <= 500 * 1024);
      }
      assertEquals(600, api.events.size());
      assertTrue(api.dropped.isEmpty(), api.dropped.toString());
    }
  }
}
