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
 * Intercom as SYNC-APIS.md §2 describes it: Bearer auth and an Intercom-Version header on every
 * request; data attributes listed and created (400 for a custom attribute that does not exist);
 * contacts created by external_id (409 "already exists with id=" for a known one) and updated;
 * companies upserted by company_id; tags created by name, contacts tagged and untagged, companies
 * tagged in bulk.
 */
final class FakeIntercom extends FakeApi {
  final String token;
  final Map<String, Set<String>> attributes = new ConcurrentHashMap<>();
  final Map<String, String> contactsByExternalId = new ConcurrentHashMap<>();
  final Map<String, Map<String, Object>> contactAttributes = new ConcurrentHashMap<>();
  final Map<String, String> companies = new ConcurrentHashMap<>();
  final Map<String, String> tags = new ConcurrentHashMap<>();
  final Map<String, Set<String>> tagged = new ConcurrentHashMap<>();

  /** Contact id to the Intercom ids of the companies it is attached to. */
  final Map<String, Set<String>> attached = new ConcurrentHashMap<>();

  final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger ids = new AtomicInteger(500);

  FakeIntercom(String token) {
    this.token = token;
  }

  @Override
  String auth(Request r) {
    if (r.header("Intercom-Version") == null) {
      violations.add("no Intercom-Version on " + r.method() + " " + r.path());
    }
    return ("Bearer " + token).equals(r.header("Authorization")) ? null : "Unauthorized";
  }

  private static Reply error(int status, String code, String message) {
    return Reply.json(
        status,
        Map.of(
            "type", "error.list",
            "request_id", "req-1",
            "errors", List.of(Map.of("code", code, "message", message))));
  }

  /** Contact or company attributes must exist first. */
  private Reply checkAttributes(String model, JsonNode attrs) {
    Set<String> known = attributes.getOrDefault(model, Set.of());
    for (var it = attrs.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        return error(400, "parameter_invalid", "Custom attribute '" + name + "' does not exist");
      }
    }
    return null;
  }

  @Override
  Reply answer(Request r) {
    String p = r.path();
    String m = r.method();
    if (m.equals("GET") && p.startsWith("/data_attributes?model=")) {
      String model = p.substring(p.indexOf('=') + 1);
      List<Object> data = new ArrayList<>();
      attributes
          .getOrDefault(model, Set.of())
          .forEach(a -> data.add(Map.of("name", a, "model", model)));
      return Reply.json(200, Map.of("type", "list", "data", data));
    }
    if (m.equals("POST") && p.equals("/data_attributes")) {
      JsonNode b = r.json();
      attributes
          .computeIfAbsent(b.path("model").asText(), k -> ConcurrentHashMap.newKeySet())
          .add(b.path("name").asText());
      return Reply.json(200, Map.of("type", "data_attribute", "name", b.path("name").asText()));
    }
    if (m.equals("POST") && p.equals("/tags")) {
      JsonNode b = r.json();
      String name = b.path("name").asText().toLowerCase(java.util.Locale.ROOT);
      String id = tags.computeIfAbsent(name, k -> String.valueOf(ids.incrementAndGet()));
      for (JsonNode c : b.path("companies")) {
        Set<String> t = tagged.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet());
        if (c.path("untag").asBoolean(false)) {
          t.remove("company:" + c.path("id").asText());
        } else {
          t.add("company:" + c.path("id").asText());
        }
      }
      return Reply.json(200, Map.of("type", "tag", "id", id, "name", b.path("name").asText()));
    }
    if (m.equals("POST") && p.equals("/contacts")) {
      JsonNode b = r.json();
      String ext = b.path("external_id").asText();
      String existing = contactsByExternalId.get(ext);
      if (existing != null) {
        return error(
            409, "conflict", "A contact matching those details already exists with id=" + existing);
      }
      Reply bad = checkAttributes("contact", b.path("custom_attributes"));
      if (bad != null) {
        return bad;
      }
      String id = "c" + ids.incrementAndGet();
      contactsByExternalId.put(ext, id);
      contactAttributes.put(id, attrs(b.path("custom_attributes")));
      return Reply.json(200, Map.of("type", "contact", "id", id, "external_id", ext));
    }
    if (m.equals("PUT") && p.matches("/contacts/[a-z0-9]+")) {
      String id = p.substring("/contacts/".length());
      if (!contactsByExternalId.containsValue(id)) {
        return error(404, "not_found", "User Not Found");
      }
      Reply bad = checkAttributes("contact", r.json().path("custom_attributes"));
      if (bad != null) {
        return bad;
      }
      contactAttributes
          .computeIfAbsent(id, k -> new ConcurrentHashMap<>())
          .putAll(attrs(r.json().path("custom_attributes")));
      return Reply.json(200, Map.of("type", "contact", "id", id));
    }
    if (m.equals("POST") && p.matches("/contacts/[a-z0-9]+/tags")) {
      String contact = p.split("/")[2];
      String tag = r.json().path("id").asText();
      if (!tags.containsValue(tag)) {
        return error(404, "not_found", "Tag not found");
      }
      tagged.computeIfAbsent(tag, k -> ConcurrentHashMap.newKeySet()).add("contact:" + contact);
      return Reply.json(200, Map.of("type", "tag", "id", tag));
    }
    if (m.equals("POST") && p.matches("/contacts/[a-z0-9]+/companies")) {
      String contact = p.split("/")[2];
      String company = r.json().path("id").asText();
      if (!companies.containsValue(company)) {
        return error(404, "company_not_found", "Company Not Found");
      }
      attached.computeIfAbsent(contact, k -> ConcurrentHashMap.newKeySet()).add(company);
      return Reply.json(200, Map.of("type", "company", "id", company));
    }
    if (m.equals("DELETE") && p.matches("/contacts/[a-z0-9]+/tags/[0-9]+")) {
      String[] parts = p.split("/");
      Set<String> t = tagged.getOrDefault(parts[4], ConcurrentHashMap.newKeySet());
      t.remove("contact:" + parts[2]);
      return Reply.json(200, Map.of("type", "tag", "id", parts[4]));
    }
    if (m.equals("POST") && p.equals("/companies")) {
      JsonNode b = r.json();
      Reply bad = checkAttributes("company", b.path("custom_attributes"));
      if (bad != null) {
        return bad;
      }
      String id =
          companies.computeIfAbsent(
              b.path("company_id").asText(), k -> "co" + ids.incrementAndGet());
      return Reply.json(
          200, Map.of("type", "company", "id", id, "company_id", b.path("company_id").asText()));
    }
    return error(404, "not_found", "no route " + m + " " + p);
  }

  private static Map<String, Object> attrs(JsonNode n) {
    Map<String, Object> out = new LinkedHashMap<>();
    n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** Contacts' external ids tagged with {@code name}. */
  Set<String> taggedContacts(String name) {
    String id = tags.get(name.toLowerCase(java.util.Locale.ROOT));
    Set<String> out = new java.util.TreeSet<>();
    if (id == null) {
      return out;
    }
    for (String who : tagged.getOrDefault(id, Set.of())) {
      if (who.startsWith("contact:")) {
        String contact = who.substring(8);
        contactsByExternalId.forEach(
            (ext, c) -> {
              if (c.equals(contact)) {
                out.add(ext);
              }
            });
      }
    }
    return out;
  }
}
