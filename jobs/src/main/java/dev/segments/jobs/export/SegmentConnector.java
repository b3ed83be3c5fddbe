package dev.segments.jobs.export;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.common.config.ExportSettings.Destination;
import dev.segments.common.segments.SegmentDefinition.Entity;
import dev.segments.jobs.export.HttpApi.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Segment's HTTP Tracking API (SYNC-APIS.md §3), the way Engage sends audiences: per user an
 * identify with the fields, a {@code segments} list and one boolean per segment, and an {@code
 * Audience Entered} / {@code Audience Exited} track per change; per account a group call with the
 * same traits. Every event has a deterministic messageId (the record, the operation and the state
 * sent), so Segment drops a repeat. Events are checked here, since the API answers 200 to invalid
 * ones and drops them: each needs a userId or anonymousId, a track its event, at most 32 KB; a
 * request holds at most {@code batch-size} (2,500) events and 500 KB.
 */
final class SegmentConnector implements Connector {
  static final int MAX_EVENT_BYTES = 32 * 1024;
  static final int MAX_REQUEST_BYTES = 500 * 1024;

  private final Destination d;
  private final HttpApi api;

  SegmentConnector(Destination d, String writeKey) {
    this.d = d;
    String basic =
        Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
    this.api = new HttpApi(d, Map.of("Authorization", "Basic " + basic), rules(d.backoff()));
  }

  static HttpApi.RetryRules rules(Duration backoff) {
    return (r, attempt) -> {
      if (r.status() == 429) {
        return Optional.of(HttpApi.retryAfterHeader(r).orElse(Duration.ofSeconds(1)));
      }
      return HttpApi.serverError(r, attempt, backoff);
    };
  }

  @Override
  public Map<String, String> prepare(
      Entity entity,
      List<String> segments,
      Map<String, String> fieldTypes,
      Map<String, String> known) {
    return Map.of();
  }

  /** The events of one change. */
  List<ObjectNode> events(Entity entity, Change c) {
    List<ObjectNode> events = new ArrayList<>();
    ObjectNode main = HttpApi.JSON.createObjectNode();
    if (entity == Entity.USER) {
      main.put("type", "identify").put("userId", c.key());
    } else {
      main.put("type", "group").put("anonymousId", "account:" + c.key()).put("groupId", c.key());
    }
    main.put("messageId", messageId(c, entity.key, "traits", ""));
    ObjectNode traits = main.putObject("traits");
    c.values().forEach((k, v) -> traits.putPOJO(k, Values.json(v)));
    ArrayNode list = traits.putArray("segments");
    c.segments().forEach(list::add);
    c.segments().forEach(s -> traits.put(s, true));
    c.exited().forEach(s -> traits.put(s, false));
    events.add(main);
    for (String s : c.entered()) {
      events.add(track(entity, c, "Audience Entered", s, true));
    }
    for (String s : c.exited()) {
      events.add(track(entity, c, "Audience Exited", s, false));
    }
    return events;
  }

  private ObjectNode track(Entity entity, Change c, String event, String segment, boolean in) {
    ObjectNode t = HttpApi.JSON.createObjectNode();
    t.put("type", "track");
    if (entity == Entity.USER) {
      t.put("userId", c.key());
    } else {
      t.put("anonymousId", "account:" + c.key());
      t.putObject("context").put("groupId", c.key());
    }
    t.put("event", event);
    t.put("messageId", messageId(c, entity.key, event, segment));
    ObjectNode p = t.putObject("properties");
    p.put("audience_key", segment).put(segment, in);
    return t;
  }

  /** Under 100 characters; the same for the same record, operation and state sent. */
  private String messageId(Change c, String entity, String op, String segment) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      String text =
          d.name() + "|" + entity + "|" + c.entityId() + "|" + op + "|" + segment + "|" + c.hash();
      return "segments-"
          + HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)), 0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Local validation of one event: what the API would silently drop. */
  static Optional<String> invalid(ObjectNode event, int bytes) {
    if (!event.hasNonNull("userId") && !event.hasNonNull("anonymousId")) {
      return Optional.of("event without userId or anonymousId");
    }
    if (event.path("type").asText().equals("track") && event.path("event").asText("").isEmpty()) {
      return Optional.of("track event without an event name");
    }
    if (bytes > MAX_EVENT_BYTES) {
      return Optional.of("event of " + bytes + " bytes is over Segment's 32 KB limit");
    }
    return Optional.empty();
  }

  @Override
  public List<Ack> send(Entity entity, List<Change> batch) {
    List<Ack> acks = new ArrayList<>();
    List<Change> request = new ArrayList<>();
    List<List<ObjectNode>> requestEvents = new ArrayList<>();
    int events = 0;
    int bytes = 20;
    for (Change c : batch) {
      List<ObjectNode> own = events(entity, c);
      int ownBytes = 0;
      Optional<String> bad = Optional.empty();
      for (ObjectNode e : own) {
        int b = e.toString().getBytes(StandardCharsets.UTF_8).length;
        ownBytes += b + 1;
        bad = bad.or(() -> invalid(e, b));
      }
      if (bad.isPresent()) {
        acks.add(Ack.rejected(c, bad.get()));
        continue;
      }
      if (!request.isEmpty()
          && (events + own.size() > d.batchSize() || bytes + ownBytes > MAX_REQUEST_BYTES)) {
        acks.addAll(post(request, requestEvents));
        request = new ArrayList<>();
        requestEvents = new ArrayList<>();
        events = 0;
        bytes = 20;
      }
      request.add(c);
      requestEvents.add(own);
      events += own.size();
      bytes += ownBytes;
    }
    if (!request.isEmpty()) {
      acks.addAll(post(request, requestEvents));
    }
    return acks;
  }

  /** One /v1/batch request; a 400 is split until each change has its own answer. */
  private List<Ack> post(List<Change> changes, List<List<ObjectNode>> events) {
    ObjectNode body = HttpApi.JSON.createObjectNode();
    ArrayNode batch = body.putArray("batch");
    events.forEach(batch::addAll);
    Response r = api.send("POST", "/v1/batch", body);
    if (r.ok()) {
      return changes.stream().map(c -> Ack.ok(c, Optional.empty())).toList();
    }
    if (r.status() == 400 && changes.size() > 1) {
      int half = changes.size() / 2;
      List<Ack> acks = new ArrayList<>(post(changes.subList(0, half), events.subList(0, half)));
      acks.addAll(post(changes.subList(half, changes.size()), events.subList(half, events.size())));
      return acks;
    }
    String why = r.describe("", r.json().path("message").asText(r.text()));
    return changes.stream().map(c -> Ack.rejected(c, why)).toList();
  }

  @Override
  public HttpApi api() {
    return api;
  }
}
