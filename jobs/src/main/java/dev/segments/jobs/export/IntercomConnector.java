package dev.segments.jobs.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.common.config.ExportSettings.Destination;
import dev.segments.common.segments.SegmentDefinition.Entity;
import dev.segments.jobs.export.HttpApi.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Intercom (SYNC-APIS.md §2): the data attributes created when missing; contacts created by {@code
 * external_id} with custom attributes, or updated when Intercom answers 409 "already exists with
 * id=" (or when an earlier sync learnt the id); companies upserted by {@code company_id}; one tag
 * per segment, contacts tagged and untagged one by one, companies in bulk. Every request carries
 * {@code Intercom-Version}; on 429 it waits until {@code X-RateLimit-Reset}.
 */
final class IntercomConnector implements Connector {
  private static final Pattern EXISTING_ID =
      Pattern.compile("already exists with id=([A-Za-z0-9]+)");

  private final Destination d;
  private final HttpApi api;
  private final Map<String, String> tags = new ConcurrentHashMap<>();

  /** Account id to Intercom company id: from earlier syncs and this run's companies. */
  private final Map<String, String> companies = new ConcurrentHashMap<>();

  IntercomConnector(Destination d, String token) {
    this.d = d;
    this.api =
        new HttpApi(
            d,
            Map.of("Authorization", "Bearer " + token, "Intercom-Version", d.option("version")),
            rules(d.backoff()));
  }

  static HttpApi.RetryRules rules(Duration backoff) {
    return (r, attempt) -> {
      if (r.status() == 429) {
        Optional<Duration> untilReset =
            r.header("X-RateLimit-Reset")
                .flatMap(
                    v -> {
                      try {
                        long reset = Long.parseLong(v.trim());
                        long wait = reset * 1000 - Instant.now().toEpochMilli();
                        return Optional.of(Duration.ofMillis(Math.max(wait, 0) + 50));
                      } catch (NumberFormatException e) {
                        return Optional.empty();
                      }
                    });
        return Optional.of(untilReset.orElse(Duration.ofSeconds(10)));
      }
      return HttpApi.serverError(r, attempt, backoff);
    };
  }

  private static String model(Entity e) {
    return e == Entity.USER ? "contact" : "company";
  }

  /** Data attributes (fields and {@code segments}) and tags (one per segment). */
  @Override
  public Map<String, String> prepare(
      Entity entity,
      List<String> segments,
      Map<String, String> fieldTypes,
      Map<String, String> known) {
    Response existing = api.send("GET", "/data_attributes?model=" + model(entity), null);
    if (!existing.ok()) {
      throw new ExportFailure("Intercom data attributes: " + describe(existing));
    }
    Set<String> names = new HashSet<>();
    for (JsonNode a : existing.json().path("data")) {
      names.add(a.path("name").asText());
    }
    Map<String, String> wanted = new LinkedHashMap<>(fieldTypes);
    wanted.put("segments", "string");
    for (Map.Entry<String, String> a : wanted.entrySet()) {
      if (names.contains(a.getKey())) {
        continue;
      }
      ObjectNode body = HttpApi.JSON.createObjectNode();
      body.put("name", a.getKey()).put("model", model(entity)).put("data_type", a.getValue());
      Response r = api.send("POST", "/data_attributes", body);
      if (!r.ok()) {
        throw new ExportFailure(
            "Intercom refused data attribute " + a.getKey() + ": " + describe(r));
      }
    }
    Map<String, String> learnt = new LinkedHashMap<>();
    for (String segment : segments) {
      String id = known.get(segment);
      if (id == null) {
        ObjectNode body =
            HttpApi.JSON.createObjectNode().put("name", d.option("tag-prefix") + segment);
        Response r = api.send("POST", "/tags", body);
        if (!r.ok()) {
          throw new ExportFailure("Intercom refused tag " + segment + ": " + describe(r));
        }
        id = r.json().path("id").asText(null);
        if (id == null) {
          throw new ExportFailure("Intercom answered no id for tag " + segment);
        }
        learnt.put(segment, id);
      }
      tags.put(entity.key + "/" + segment, id);
    }
    return learnt;
  }

  private ObjectNode attributes(Change c) {
    ObjectNode attrs = HttpApi.JSON.createObjectNode();
    c.values().forEach((k, v) -> attrs.putPOJO(k, Values.json(v)));
    attrs.put("segments", String.join(",", c.segments()));
    return attrs;
  }

  @Override
  public List<Ack> send(Entity entity, List<Change> batch) {
    return entity == Entity.USER ? contacts(batch) : companies(batch);
  }

  /** The companies earlier syncs created (account id to Intercom id, from export_state). */
  void knownCompanies(Map<String, String> known) {
    known.forEach(companies::putIfAbsent);
  }

  private List<Ack> contacts(List<Change> batch) {
    List<Ack> acks = new ArrayList<>();
    for (Change c : batch) {
      try {
        String id = upsertContact(c);
        String company = c.accountId() == null ? null : companies.get(c.accountId());
        if (company != null && c.kind() == Change.Kind.ADD) {
          // A new contact joins its account's company (repeat-safe: attaching twice is a no-op).
          ObjectNode body = HttpApi.JSON.createObjectNode().put("id", company);
          expectOk(api.send("POST", "/contacts/" + id + "/companies", body), "attach to company");
        }
        for (String s : c.entered()) {
          ObjectNode body = HttpApi.JSON.createObjectNode().put("id", tag(Entity.USER, s));
          expectOk(api.send("POST", "/contacts/" + id + "/tags", body), "tag " + s);
        }
        for (String s : c.exited()) {
          Response r = api.send("DELETE", "/contacts/" + id + "/tags/" + tag(Entity.USER, s), null);
          if (r.status() != 404) {
            expectOk(r, "untag " + s);
          }
        }
        acks.add(Ack.ok(c, Optional.of(id)));
      } catch (ExportFailure e) {
        acks.add(Ack.rejected(c, e.getMessage()));
      }
    }
    return acks;
  }

  private String upsertContact(Change c) {
    ObjectNode update = HttpApi.JSON.createObjectNode();
    update.set("custom_attributes", attributes(c));
    if (c.remoteId().isPresent()) {
      Response r = api.send("PUT", "/contacts/" + c.remoteId().get(), update);
      if (r.ok()) {
        return c.remoteId().get();
      }
      if (r.status() != 404) {
        throw new ExportFailure("update contact: " + describe(r));
      }
    }
    ObjectNode create = HttpApi.JSON.createObjectNode();
    create.put("role", "user").put("external_id", c.key());
    create.set("custom_attributes", attributes(c));
    Response r = api.send("POST", "/contacts", create);
    if (r.ok()) {
      return r.json().path("id").asText();
    }
    if (r.status() == 409) {
      Matcher m = EXISTING_ID.matcher(r.text());
      if (m.find()) {
        String id = m.group(1);
        expectOk(api.send("PUT", "/contacts/" + id, update), "update contact");
        return id;
      }
    }
    throw new ExportFailure("create contact: " + describe(r));
  }

  private List<Ack> companies(List<Change> batch) {
    List<Ack> acks = new ArrayList<>();
    Map<String, List<Ack>> entered = new LinkedHashMap<>();
    Map<String, List<Ack>> exited = new LinkedHashMap<>();
    for (Change c : batch) {
      ObjectNode body = HttpApi.JSON.createObjectNode();
      body.put("company_id", c.key());
      body.set("custom_attributes", attributes(c));
      Response r = api.send("POST", "/companies", body);
      if (!r.ok()) {
        acks.add(Ack.rejected(c, "upsert company: " + describe(r)));
        continue;
      }
      Ack a = Ack.ok(c, Optional.of(r.json().path("id").asText()));
      companies.put(c.entityId(), r.json().path("id").asText());
      acks.add(a);
      c.entered().forEach(s -> entered.computeIfAbsent(s, k -> new ArrayList<>()).add(a));
      c.exited().forEach(s -> exited.computeIfAbsent(s, k -> new ArrayList<>()).add(a));
    }
    Map<Change, String> failed = new LinkedHashMap<>();
    for (boolean untag : new boolean[] {false, true}) {
      for (Map.Entry<String, List<Ack>> e : (untag ? exited : entered).entrySet()) {
        ObjectNode body = HttpApi.JSON.createObjectNode();
        body.put("name", d.option("tag-prefix") + e.getKey());
        ArrayNode companies = body.putArray("companies");
        for (Ack a : e.getValue()) {
          ObjectNode co = companies.addObject().put("id", a.remoteId().orElse(""));
          if (untag) {
            co.put("untag", true);
          }
        }
        Response r = api.send("POST", "/tags", body);
        if (!r.ok()) {
          String why = (untag ? "untag " : "tag ") + e.getKey() + ": " + describe(r);
          e.getValue().forEach(a -> failed.put(a.change(), why));
        }
      }
    }
    return acks.stream()
        .map(
            a ->
                failed.containsKey(a.change())
                    ? Ack.rejected(a.change(), failed.get(a.change()))
                    : a)
        .toList();
  }

  private String tag(Entity entity, String segment) {
    String id = tags.get(entity.key + "/" + segment);
    if (id == null) {
      throw new ExportFailure("no Intercom tag for segment " + segment);
    }
    return id;
  }

  private static void expectOk(Response r, String what) {
    if (!r.ok()) {
      throw new ExportFailure(what + ": " + describe(r));
    }
  }

  static String describe(Response r) {
    JsonNode first = r.json().path("errors").path(0);
    return r.describe(
        first.path("code").asText(""),
        first.path("message").asText(r.json().path("message").asText("")));
  }

  @Override
  public HttpApi api() {
    return api;
  }
}
