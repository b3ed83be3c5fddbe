package dev.segments.jobs.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.common.config.ExportSettings.Destination;
import dev.segments.common.segments.SegmentDefinition.Entity;
import dev.segments.jobs.export.HttpApi.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HubSpot (SYNC-APIS.md §1): contacts and companies upserted by a unique property in batches of up
 * to 100, with the exported fields and a {@code segments} multi-checkbox property; one MANUAL list
 * per segment (found by name or created, its id kept in export_state); the day's membership changes
 * through add-and-remove. A batch refused as a whole (400) is split in halves until each record is
 * accepted or rejected on its own. 429s follow their policy: TEN_SECONDLY_ROLLING and SECONDLY wait
 * ({@code Retry-After}, else 10 s or 1 s per attempt, as HubSpot's own client does), DAILY stops
 * the destination for this run.
 */
final class HubSpotConnector implements Connector {
  private final Destination d;
  private final HttpApi api;
  private final Map<String, String> lists = new ConcurrentHashMap<>();

  HubSpotConnector(Destination d, String token) {
    this.d = d;
    this.api = new HttpApi(d, Map.of("Authorization", "Bearer " + token), rules(d.backoff()));
  }

  static HttpApi.RetryRules rules(Duration backoff) {
    return new HttpApi.RetryRules() {
      @Override
      public Optional<Duration> retryAfter(Response r, int attempt) {
        if (r.status() == 429) {
          String policy = r.json().path("policyName").asText("");
          if (policy.equals("DAILY")) {
            return Optional.empty();
          }
          Duration base =
              policy.equals("SECONDLY") ? Duration.ofSeconds(1) : Duration.ofSeconds(10);
          return Optional.of(HttpApi.retryAfterHeader(r).orElse(base.multipliedBy(attempt)));
        }
        return HttpApi.serverError(r, attempt, backoff);
      }

      @Override
      public Optional<String> stopsDestination(Response r) {
        if (r.status() == 429 && r.json().path("policyName").asText("").equals("DAILY")) {
          return Optional.of(
              "HubSpot's daily API limit is used up (429, policy DAILY: "
                  + r.json().path("message").asText("")
                  + "); the rest is sent by the next run after the limit resets");
        }
        return Optional.empty();
      }
    };
  }

  private static String objectType(Entity e) {
    return e == Entity.USER ? "contacts" : "companies";
  }

  private static String objectTypeId(Entity e) {
    return e == Entity.USER ? "0-1" : "0-2";
  }

  private String idProperty(Entity e) {
    return d.option(e == Entity.USER ? "user-id-property" : "account-id-property");
  }

  @Override
  public Map<String, String> prepare(
      Entity entity,
      List<String> segments,
      Map<String, String> fieldTypes,
      Map<String, String> known) {
    Map<String, String> learnt = new LinkedHashMap<>();
    for (String segment : segments) {
      String id = known.get(segment);
      if (id == null) {
        String name = d.option("list-prefix") + segment;
        Response found =
            api.send(
                "GET",
                d.option("lists-path")
                    + "/object-type-id/"
                    + objectTypeId(entity)
                    + "/name/"
                    + URLEncoder.encode(name, StandardCharsets.UTF_8),
                null);
        if (found.ok()) {
          id = found.json().path("list").path("listId").asText(null);
        } else if (found.status() == 404) {
          ObjectNode body = HttpApi.JSON.createObjectNode();
          body.put("name", name).put("objectTypeId", objectTypeId(entity));
          body.put("processingType", "MANUAL");
          Response created = api.send("POST", d.option("lists-path"), body);
          if (!created.ok()) {
            throw new ExportFailure(
                "HubSpot refused to create list " + name + ": " + describe(created));
          }
          id = created.json().path("list").path("listId").asText(null);
        } else {
          throw new ExportFailure("HubSpot list lookup for " + name + ": " + describe(found));
        }
        if (id == null) {
          throw new ExportFailure("HubSpot answered no listId for list " + name);
        }
        learnt.put(segment, id);
      }
      lists.put(entity.key + "/" + segment, id);
    }
    return learnt;
  }

  @Override
  public List<Ack> send(Entity entity, List<Change> batch) {
    List<Ack> acks = upsert(entity, batch);
    return memberships(entity, acks);
  }

  private ObjectNode input(Entity entity, Change c) {
    ObjectNode in = HttpApi.JSON.createObjectNode();
    in.put("id", c.key()).put("idProperty", idProperty(entity));
    ObjectNode props = in.putObject("properties");
    c.values().forEach((k, v) -> props.put(k, v == null ? "" : Values.text(v)));
    props.put("segments", String.join(";", c.segments()));
    // The id property among the properties too, so that each result names its record.
    props.put(idProperty(entity), c.key());
    return in;
  }

  /** Batch upsert; a batch refused whole is split until every record has its own answer. */
  private List<Ack> upsert(Entity entity, List<Change> changes) {
    ObjectNode body = HttpApi.JSON.createObjectNode();
    ArrayNode inputs = body.putArray("inputs");
    changes.forEach(c -> inputs.add(input(entity, c)));
    Response r =
        api.send(
            "POST", d.option("objects-path") + "/" + objectType(entity) + "/batch/upsert", body);
    if (r.ok()) {
      return answers(entity, changes, r.json());
    }
    if (r.status() >= 400 && r.status() < 500 && r.status() != 429 && changes.size() > 1) {
      int half = changes.size() / 2;
      List<Ack> acks = new ArrayList<>(upsert(entity, changes.subList(0, half)));
      acks.addAll(upsert(entity, changes.subList(half, changes.size())));
      return acks;
    }
    String why = describe(r);
    return changes.stream().map(c -> Ack.rejected(c, why)).toList();
  }

  /** The 200 / 201 / 207 answer of a batch: results by the id property, errors by their ids. */
  private List<Ack> answers(Entity entity, List<Change> changes, JsonNode json) {
    String prop = idProperty(entity);
    Map<String, String> recordIds = new HashMap<>();
    for (JsonNode result : json.path("results")) {
      String key = result.path("properties").path(prop).asText(null);
      if (key != null) {
        recordIds.put(key.toLowerCase(java.util.Locale.ROOT), result.path("id").asText());
      }
    }
    Map<String, String> errors = new HashMap<>();
    String anyError = null;
    for (JsonNode error : json.path("errors")) {
      String message =
          error.path("category").asText("error") + ": " + error.path("message").asText("");
      anyError = message;
      for (JsonNode id : error.path("context").path("ids")) {
        errors.put(id.asText().toLowerCase(java.util.Locale.ROOT), message);
      }
    }
    List<Ack> acks = new ArrayList<>();
    for (Change c : changes) {
      String key = c.key().toLowerCase(java.util.Locale.ROOT);
      if (recordIds.containsKey(key)) {
        acks.add(Ack.ok(c, Optional.of(recordIds.get(key))));
      } else {
        acks.add(
            Ack.rejected(
                c,
                errors.getOrDefault(
                    key, anyError != null ? anyError : "HubSpot returned no result for it")));
      }
    }
    return acks;
  }

  /** The list memberships of the acknowledged records: added and removed per segment. */
  private List<Ack> memberships(Entity entity, List<Ack> acks) {
    Map<String, List<Ack>> adds = new LinkedHashMap<>();
    Map<String, List<Ack>> removes = new LinkedHashMap<>();
    for (Ack a : acks) {
      if (!a.ok()) {
        continue;
      }
      a.change().entered().forEach(s -> adds.computeIfAbsent(s, k -> new ArrayList<>()).add(a));
      a.change().exited().forEach(s -> removes.computeIfAbsent(s, k -> new ArrayList<>()).add(a));
    }
    Map<Change, String> failed = new HashMap<>();
    java.util.Set<String> segments = new java.util.TreeSet<>(adds.keySet());
    segments.addAll(removes.keySet());
    for (String segment : segments) {
      String listId = lists.get(entity.key + "/" + segment);
      List<Ack> in = adds.getOrDefault(segment, List.of());
      List<Ack> out = removes.getOrDefault(segment, List.of());
      if (listId == null) {
        // A segment no longer exported still has members in its list: leave that list alone.
        continue;
      }
      ObjectNode body = HttpApi.JSON.createObjectNode();
      ArrayNode add = body.putArray("recordIdsToAdd");
      in.forEach(a -> add.add(a.remoteId().orElse("")));
      ArrayNode remove = body.putArray("recordIdsToRemove");
      out.forEach(a -> remove.add(a.remoteId().orElse("")));
      Response r =
          api.send(
              "PUT", d.option("lists-path") + "/" + listId + "/memberships/add-and-remove", body);
      if (!r.ok()) {
        String why = "list " + listId + " (" + segment + "): " + describe(r);
        in.forEach(a -> failed.put(a.change(), why));
        out.forEach(a -> failed.put(a.change(), why));
        continue;
      }
      java.util.Set<String> missing = new java.util.HashSet<>();
      r.json().path("recordIdsMissing").forEach(id -> missing.add(id.asText()));
      for (Ack a : in) {
        if (missing.contains(a.remoteId().orElse(""))) {
          failed.put(
              a.change(), "list " + listId + " (" + segment + "): record missing in HubSpot");
        }
      }
    }
    if (failed.isEmpty()) {
      return acks;
    }
    return acks.stream()
        .map(
            a ->
                failed.containsKey(a.change())
                    ? Ack.rejected(a.change(), failed.get(a.change()))
                    : a)
        .toList();
  }

  static String describe(Response r) {
    JsonNode j = r.json();
    String message = j.path("message").asText("");
    return r.describe(j.path("category").asText(j.path("errorType").asText("")), message);
  }

  @Override
  public HttpApi api() {
    return api;
  }
}
