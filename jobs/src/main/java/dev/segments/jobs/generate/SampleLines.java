package dev.segments.jobs.generate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.jobs.generate.EventCatalog.SampleEvent;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The raw lines of one user or one account over the whole period: a pure function of the spec and
 * the id, so the sample is the same however Spark splits the work.
 *
 * <p>Behaviour: accounts of skewed size (a few with hundreds of users, many with a handful), plans,
 * a few parent accounts, upgrades, a tenth of accounts leaving on some day (all their users stop);
 * users with roles, sign-ups every day, weekday patterns, and a lifecycle (steady, churning,
 * fading, growing, or coming back after a gap); identify and group calls (and a few users moving
 * account); a few events arriving a day or two late or far too late; duplicates; and bad rows of
 * every kind ingest rejects.
 */
public final class SampleLines {

  /** One line of input for the day folder {@code dt}. */
  public record Line(String dt, String text) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] PLANS = {"free", "starter", "pro", "enterprise"};
  private static final double[] PLAN_WEIGHTS = {0.35, 0.3, 0.25, 0.1};
  private static final String[] INDUSTRIES = {
    "software", "finance", "retail", "health", "education", "media"
  };
  private static final String[] ROLES = {"admin", "member", "viewer"};
  private static final ZoneOffset[] OFFSETS = {
    ZoneOffset.UTC,
    ZoneOffset.ofHours(2),
    ZoneOffset.ofHours(-5),
    ZoneOffset.ofHoursMinutes(5, 30),
    ZoneOffset.ofHours(-8)
  };
  private static final double TOTAL_POPULARITY =
      EventCatalog.EVENTS.stream().mapToDouble(SampleEvent::popularity).sum();

  private SampleLines() {}

  private static SplittableRandom random(long seed, String kind, long id) {
    long h = seed * 0x9E3779B97F4A7C15L + id * 0xC2B2AE3D27D4EB4FL + kind.hashCode();
    return new SplittableRandom(h ^ (h >>> 31));
  }

  /** An account's fixed profile. */
  /**
   * @param churnDay the day from which none of its users is active any more (-1: never), for the
   *     accounts that leave during the period
   */
  record Account(
      long id,
      int createdDay,
      String plan,
      String industry,
      Long parent,
      int upgradeDay,
      int churnDay) {
    String groupId() {
      return groupId(id);
    }

    static String groupId(long id) {
      return "acct_" + id;
    }
  }

  static Account account(GeneratorSpec spec, long id) {
    SplittableRandom r = random(spec.seed(), "account", id);
    // 80% existed before the period, the rest sign up during it (day index relative to start).
    int createdDay = r.nextDouble() < 0.8 ? -1 - r.nextInt(720) : r.nextInt(spec.days());
    String plan = PLANS[pick(r, PLAN_WEIGHTS)];
    Long parent = id > 5 && r.nextDouble() < 0.04 ? (long) r.nextInt((int) Math.min(id, 5)) : null;
    int upgradeDay = r.nextDouble() < 0.06 ? r.nextInt(spec.days()) : -1;
    String industry = INDUSTRIES[r.nextInt(INDUSTRIES.length)];
    // Drawn last: the other traits stay those of the same seed without churn.
    int churnDay = r.nextDouble() < 0.1 ? r.nextInt(spec.days()) : -1;
    return new Account(id, createdDay, plan, industry, parent, upgradeDay, churnDay);
  }

  /** group calls (without userId) carrying an account's traits. */
  public static List<Line> accountLines(GeneratorSpec spec, long id) {
    Account a = account(spec, id);
    SplittableRandom r = random(spec.seed(), "account-events", id);
    List<Line> lines = new ArrayList<>();
    int first = Math.max(0, a.createdDay());
    Map<String, Object> traits = new LinkedHashMap<>();
    traits.put("name", "Account " + id);
    traits.put("plan", a.plan());
    traits.put("industry", a.industry());
    traits.put("created_at", timestampOnDay(spec, a.createdDay(), r, ZoneOffset.UTC));
    if (a.parent() != null) {
      traits.put("parent_group_id", Account.groupId(a.parent()));
    }
    lines.add(call(spec, r, "group", first, null, a.groupId(), null, null, traits));
    if (a.upgradeDay() > first) {
      int next = Math.min(PLANS.length - 1, indexOf(PLANS, a.plan()) + 1);
      lines.add(
          call(
              spec,
              r,
              "group",
              a.upgradeDay(),
              null,
              a.groupId(),
              null,
              null,
              Map.of("plan", PLANS[next])));
    }
    return finish(spec, r, lines);
  }

  /** Everything one user sends over the period. */
  public static List<Line> userLines(GeneratorSpec spec, long id) {
    SplittableRandom r = random(spec.seed(), "user", id);
    // Skewed account sizes: low account ids get many users.
    long accountId =
        Math.min(spec.accounts() - 1L, (long) (spec.accounts() * Math.pow(r.nextDouble(), 3)));
    Account account = account(spec, accountId);
    String userId = "user_" + id;
    String role = ROLES[pick(r, new double[] {0.12, 0.68, 0.2})];
    int createdDay = r.nextDouble() < 0.7 ? -1 - r.nextInt(400) : r.nextInt(spec.days());
    createdDay = Math.max(createdDay, account.createdDay());
    double baseActivity = 0.05 + 0.8 * Math.pow(r.nextDouble(), 1.5);
    double intensity = 0.5 + r.nextDouble();
    double lifecycle = r.nextDouble();
    int turnDay = r.nextInt(spec.days());
    int gap = 10 + r.nextInt(11);
    long movesTo = r.nextDouble() < 0.02 ? r.nextInt(spec.accounts()) : -1;
    int moveDay = r.nextInt(spec.days());

    List<Line> lines = new ArrayList<>();
    boolean introduced = false;
    for (int day = Math.max(0, createdDay); day < spec.days(); day++) {
      double p = baseActivity;
      DayOfWeek dow = spec.start().plusDays(day).getDayOfWeek();
      if (dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY) {
        p *= 0.25;
      }
      if (lifecycle < 0.15) { // churns: stops for good
        p = day >= turnDay ? 0 : p;
      } else if (lifecycle < 0.30) { // fades
        p *= day >= turnDay ? Math.exp(-(day - turnDay) / 7.0) : 1;
      } else if (lifecycle < 0.40) { // grows
        p = Math.min(0.95, p * (0.4 + 1.6 * day / Math.max(1, spec.days() - 1.0)));
      } else if (lifecycle < 0.50) { // comes back after a gap
        p = day >= turnDay && day < turnDay + gap ? 0 : p;
      }
      if (account.churnDay() >= 0 && day >= account.churnDay() && movesTo < 0) {
        break; // the account left: its users stop (those moving elsewhere follow their own path)
      }
      boolean signupDay = day == createdDay;
      boolean active = signupDay || r.nextDouble() < p;
      if (!active) {
        continue;
      }
      String groupId =
          movesTo >= 0 && day >= moveDay ? Account.groupId(movesTo) : account.groupId();
      if (!introduced || signupDay || (movesTo >= 0 && day == moveDay) || dow == DayOfWeek.MONDAY) {
        Map<String, Object> traits = new LinkedHashMap<>();
        traits.put("email", userId + "@example.com");
        traits.put("name", "User " + id);
        traits.put("role", role);
        traits.put("created_at", timestampOnDay(spec, createdDay, r, ZoneOffset.UTC));
        lines.add(call(spec, r, "identify", day, userId, null, null, null, traits));
        lines.add(call(spec, r, "group", day, userId, groupId, null, null, Map.of()));
        introduced = true;
      }
      if (signupDay) {
        lines.add(call(spec, r, "track", day, userId, null, "signup_completed", null, null));
      }
      int events =
          Math.max(
              1, (int) Math.round(spec.eventsPerUserDay() * intensity * (0.5 + r.nextDouble())));
      for (int k = 0; k < events; k++) {
        SampleEvent e = pickEvent(r, role);
        lines.add(call(spec, r, "track", day, userId, groupId, e.name(), properties(r, e), null));
      }
    }
    return finish(spec, r, lines);
  }

  private static Map<String, Object> properties(SplittableRandom r, SampleEvent e) {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("feature", e.feature());
    if (e.feature().equals("reporting")) {
      props.put("report_type", new String[] {"usage", "revenue", "pipeline"}[r.nextInt(3)]);
    }
    if (e.name().equals("file_uploaded")) {
      props.put("size_kb", 1 + r.nextInt(5000));
    }
    return props;
  }

  private static SampleEvent pickEvent(SplittableRandom r, String role) {
    while (true) {
      double x = r.nextDouble() * TOTAL_POPULARITY;
      for (SampleEvent e : EventCatalog.EVENTS) {
        x -= e.popularity();
        if (x <= 0) {
          if (e.adminOnly() && !role.equals("admin") && r.nextDouble() < 0.9) {
            break; // mostly admins do admin things: draw again
          }
          return e;
        }
      }
    }
  }

  /** A call as a JSON object; the line's folder is its day unless it arrives late (see finish). */
  private static Line call(
      GeneratorSpec spec,
      SplittableRandom r,
      String type,
      int day,
      String userId,
      String groupId,
      String event,
      Map<String, Object> properties,
      Map<String, Object> traits) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    m.put("messageId", new UUID(r.nextLong(), r.nextLong()).toString());
    m.put(
        "timestamp",
        timestampOnDay(
            spec, day, r, OFFSETS[r.nextDouble() < 0.7 ? 0 : 1 + r.nextInt(OFFSETS.length - 1)]));
    if (userId != null) {
      m.put("userId", userId);
    }
    if (type.equals("track")) {
      m.put("event", event);
      m.put("properties", properties == null ? Map.of() : properties);
      if (groupId != null) {
        m.put("context", Map.of("groupId", groupId));
      }
    } else {
      if (groupId != null) {
        m.put("groupId", groupId);
      }
      m.put("traits", traits == null ? Map.of() : traits);
    }
    return new Line(spec.start().plusDays(day).toString(), write(m));
  }

  /** Late arrivals, duplicates and bad rows; lines outside the period are dropped. */
  private static List<Line> finish(GeneratorSpec spec, SplittableRandom r, List<Line> lines) {
    List<Line> out = new ArrayList<>(lines.size() + 4);
    for (Line line : lines) {
      LocalDate dt = LocalDate.parse(line.dt());
      String text = line.text();
      double x = r.nextDouble();
      if (x < 0.01) {
        dt = dt.plusDays(1 + r.nextInt(2)); // arrives a day or two late
      } else if (x < 0.011) {
        dt = dt.plusDays(10); // arrives far too late (beyond the default 7-day lookback)
      }
      if (r.nextDouble() < spec.badRowRate()) {
        text = spoil(r, text);
      }
      if (!dt.isAfter(spec.end())) {
        out.add(new Line(dt.toString(), text));
      }
      if (r.nextDouble() < 0.002) { // sent twice: same day, or retried the next day
        LocalDate again = r.nextBoolean() ? dt : dt.plusDays(1);
        if (!again.isAfter(spec.end())) {
          out.add(new Line(again.toString(), text));
        }
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static String spoil(SplittableRandom r, String text) {
    Map<String, Object> m;
    try {
      m = JSON.readValue(text, LinkedHashMap.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    switch (r.nextInt(8)) {
      case 0 -> {
        return text.substring(0, text.length() / 2); // truncated line
      }
      case 1 -> m.remove("messageId");
      case 2 -> m.put("type", "screen");
      case 3 -> {
        if (m.get("type").equals("group")) {
          m.remove("groupId");
        } else {
          m.remove("userId");
        }
      }
      case 4 -> m.put("timestamp", r.nextBoolean() ? "yesterday" : "2026-02-30T25:61:00Z");
      case 5 -> {
        if (m.get("type").equals("track")) {
          m.remove("event");
        } else {
          m.remove("timestamp");
        }
      }
      case 6 -> m.put("timestamp", "2099-01-01T00:00:00Z");
      default -> {
        return "{\"type\": \"track\", \"messageId\": ";
      }
    }
    return write(m);
  }

  private static String write(Map<String, Object> m) {
    try {
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write sample line", e);
    }
  }

  private static String timestampOnDay(
      GeneratorSpec spec, int day, SplittableRandom r, ZoneOffset offset) {
    double hour =
        Math.max(0, Math.min(23.99, 8 + 4 * r.nextDouble() + 3 * (r.nextDouble() - 0.5) * 2));
    long seconds = (long) (hour * 3600);
    Instant at =
        spec.start()
            .plusDays(day)
            .atStartOfDay(ZoneOffset.UTC)
            .toInstant()
            .plusSeconds(seconds)
            .plusMillis(r.nextInt(1000));
    return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(at.atOffset(offset));
  }

  private static int pick(SplittableRandom r, double[] weights) {
    double x = r.nextDouble();
    for (int i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x <= 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  private static int indexOf(String[] values, String value) {
    for (int i = 0; i < values.length; i++) {
      if (values[i].equals(value)) {
        return i;
      }
    }
    return 0;
  }
}
