package dev.segments.jobs.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Segment's HTTP Tracking API as SYNC-APIS.md §3 describes it: POST /v1/batch with Basic auth
 * (write key and a colon); 400 for a request over 500 KB; 200 for everything else, but events that
 * are invalid (no userId or anonymousId, a track without event, over 32 KB) or beyond 2,500 are
 * dropped — recorded here in {@link #dropped}; events deduplicated by messageId.
 */
final class FakeSegment extends FakeApi {
  final String writeKey;
  final Map<String, JsonNode> events = new ConcurrentHashMap<>();
  final List<String> dropped = java.util.Collections.synchronizedList(new ArrayList<>());
  final Set<String> duplicates = ConcurrentHashMap.newKeySet();

  FakeSegment(String writeKey) {
    this.writeKey = writeKey;
  }

  @Override
  String auth(Request r) {
    String expected =
        "Basic "
            + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
    return expected.equals(r.header("Authorization")) ? null : "invalid write key";
  }

  @Override
  Reply answer(Request r) {
    if (!r.method().equals("POST") || !r.path().equals("/v1/batch")) {
      return Reply.json(404, Map.of("success", false));
    }
    if (r.body().getBytes(StandardCharsets.UTF_8).length > 500 * 1024) {
      return Reply.json(400, Map.of("success", false, "message", "request over 500 KB"));
    }
    int n = 0;
    for (JsonNode e : r.json().path("batch")) {
      n++;
      String why = null;
      if (n > 2500) {
        why = "beyond 2,500 events";
      } else if (!e.hasNonNull("userId") && !e.hasNonNull("anonymousId")) {
        why = "no userId or anonymousId";
      } else if (e.path("type").asText().equals("track") && e.path("event").asText("").isEmpty()) {
        why = "track without event";
      } else if (e.toString().getBytes(StandardCharsets.UTF_8).length > 32 * 1024) {
        why = "over 32 KB";
      }
      if (why != null) {
        dropped.add(why + ": " + e);
        continue;
      }
      if (events.putIfAbsent(e.path("messageId").asText(), e) != null) {
        duplicates.add(e.path("messageId").asText());
      }
    }
    return Reply.json(200, Map.of("success", true));
  }

  /** The deduplicated events of one type (and track event name, if given). */
  List<JsonNode> events(String type, String event) {
    return events.values().stream()
        .filter(e -> e.path("type").asText().equals(type))
        .filter(e -> event == null || e.path("event").asText().equals(event))
        .toList();
  }
}
