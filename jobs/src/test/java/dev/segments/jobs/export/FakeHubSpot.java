package dev.segments.jobs.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HubSpot as SYNC-APIS.md §1 describes it: Bearer auth; batch upsert of at most 100 inputs by a
 * unique property, answering results (with the id property among the properties) and errors; MANUAL
 * lists found by name or created; add-and-remove memberships by record id. An input whose id is in
 * {@link #invalid} makes the whole batch a 400 (as an invalid email does); one in {@link #partial}
 * is answered in a 207's errors.
 */
final class FakeHubSpot extends FakeApi {
  final String token;

  /** key → record id, per object type. */
  final Map<String, Map<String, String>> records = new ConcurrentHashMap<>();

  /** key → properties, per object type. */
  final Map<String, Map<String, Map<String, String>>> properties = new ConcurrentHashMap<>();

  /** list name → id, list id → members. */
  final Map<String, String> lists = new ConcurrentHashMap<>();

  final Map<String, Set<String>> members = new ConcurrentHashMap<>();
  final Set<String> invalid = ConcurrentHashMap.newKeySet();
  final Set<String> partial = ConcurrentHashMap.newKeySet();
  final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger ids = new AtomicInteger(1000);
  private final Set<String> recordIds = ConcurrentHashMap.newKeySet();

  FakeHubSpot(String token) {
    this.token = token;
  }

  @Override
  String auth(Request r) {
    return ("Bearer " + token).equals(r.header("Authorization"))
        ? null
        : "Authentication credentials not found";
  }

  @Override
  Reply answer(Request r) {
    String p = r.path();
    if (r.method().equals("POST")
        && p.matches("/crm/v3/objects/(contacts|companies)/batch/upsert")) {
      return upsert(p.split("/")[4], r.json());
    }
    if (r.method().equals("GET") && p.startsWith("/crm/v3/lists/object-type-id/")) {
      String name =
          java.net.URLDecoder.decode(
              p.substring(p.lastIndexOf('/') + 1), java.nio.charset.StandardCharsets.UTF_8);
      String id = lists.get(p.split("/")[5] + "/" + name);
      return id == null
          ? Reply.json(404, Map.of("status", "error", "message", "List does not exist"))
          : Reply.json(200, Map.of("list", Map.of("listId", id, "name", name)));
    }
    if (r.method().equals("POST") && p.equals("/crm/v3/lists")) {
      JsonNode b = r.json();
      if (!b.path("processingType").asText().equals("MANUAL")) {
        violations.add("list not MANUAL: " + b);
      }
      String id = String.valueOf(ids.incrementAndGet());
      lists.put(b.path("objectTypeId").asText() + "/" + b.path("name").asText(), id);
      members.put(id, ConcurrentHashMap.newKeySet());
      return Reply.json(200, Map.of("list", Map.of("listId", id, "name", b.path("name").asText())));
    }
    if (r.method().equals("PUT") && p.matches("/crm/v3/lists/[0-9]+/memberships/add-and-remove")) {
      String id = p.split("/")[4];
      Set<String> m = members.get(id);
      if (m == null) {
        return Reply.json(404, Map.of("status", "error", "message", "list " + id));
      }
      JsonNode b = r.json();
      List<String> added = new ArrayList<>();
      List<String> missing = new ArrayList<>();
      Set<String> known = recordIds;
      for (JsonNode x : b.path("recordIdsToAdd")) {
        if (!known.contains(x.asText())) {
          missing.add(x.asText());
        } else if (m.add(x.asText())) {
          added.add(x.asText());
        }
      }
      List<String> removed = new ArrayList<>();
      for (JsonNode x : b.path("recordIdsToRemove")) {
        if (m.remove(x.asText())) {
          removed.add(x.asText());
        }
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("recordIdsMissing", missing);
      out.put("recordIdsRemoved", removed);
      out.put("recordsIdsAdded", added);
      return Reply.json(200, out);
    }
    return Reply.json(
        404, Map.of("status", "error", "message", "no route " + r.method() + " " + p));
  }

  private Reply upsert(String type, JsonNode body) {
    JsonNode inputs = body.path("inputs");
    if (inputs.size() > 100) {
      violations.add("batch of " + inputs.size() + " inputs");
      return Reply.json(400, Map.of("status", "error", "message", "too many inputs"));
    }
    for (JsonNode in : inputs) {
      if (invalid.contains(in.path("id").asText())) {
        return Reply.json(
            400,
            Map.of(
                "status", "error",
                "category", "VALIDATION_ERROR",
                "message", "Property values were not valid: invalid id " + in.path("id").asText()));
      }
    }
    List<Object> results = new ArrayList<>();
    List<Object> errors = new ArrayList<>();
    for (JsonNode in : inputs) {
      String key = in.path("id").asText();
      if (partial.contains(key)) {
        errors.add(
            Map.of(
                "status",
                "error",
                "category",
                "VALIDATION_ERROR",
                "message",
                "Property segments is read-only for " + key,
                "context",
                Map.of("ids", List.of(key))));
        continue;
      }
      String id =
          records
              .computeIfAbsent(type, t -> new ConcurrentHashMap<>())
              .computeIfAbsent(key, k -> String.valueOf(ids.incrementAndGet()));
      recordIds.add(id);
      Map<String, String> props = new LinkedHashMap<>();
      in.path("properties")
          .fields()
          .forEachRemaining(e -> props.put(e.getKey(), e.getValue().asText()));
      properties.computeIfAbsent(type, t -> new ConcurrentHashMap<>()).put(key, props);
      Map<String, Object> shown = new LinkedHashMap<>(props);
      results.add(Map.of("id", id, "new", false, "properties", shown));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", "COMPLETE");
    out.put("results", results);
    out.put("numErrors", errors.size());
    out.put("errors", errors);
    return Reply.json(errors.isEmpty() ? 200 : 207, out);
  }

  /** The members of list {@code <prefix><segment>} by record key. */
  Set<String> listMembers(String objectTypeId, String name, String type) {
    String id = lists.get(objectTypeId + "/" + name);
    Set<String> keys = new java.util.TreeSet<>();
    if (id == null) {
      return keys;
    }
    Map<String, String> byKey = records.getOrDefault(type, Map.of());
    for (Map.Entry<String, String> e : byKey.entrySet()) {
      if (members.get(id).contains(e.getValue())) {
        keys.add(e.getKey());
      }
    }
    return keys;
  }
}
