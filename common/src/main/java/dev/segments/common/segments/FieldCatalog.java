package dev.segments.common.segments;

import dev.segments.common.config.Settings;
import dev.segments.common.config.TraitColumn;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The fields a segment may compare, per entity, with their types: the feature table's columns,
 * the score columns (of the segment's workspace) and {@code days_since_created}. Untyped traits
 * are {@code traits.<name>} (text). Known without Spark, from the settings.
 */
public final class FieldCatalog {

  /** What a field holds; decides which operators fit. */
  public enum Type {
    NUMBER,
    STRING,
    BOOLEAN,
    TIMESTAMP,
    STRING_ARRAY,
    MAP
  }

  /** Columns of user_scores and account_scores a segment may compare (its workspace's). */
  private static final Map<String, Type> SCORE_FIELDS = scoreFields();
  /** Columns of account_scores only. */
  private static final Map<String, Type> ACCOUNT_SCORE_FIELDS = accountScoreFields();

  private final Map<String, Type> user = new LinkedHashMap<>();
  private final Map<String, Type> account = new LinkedHashMap<>();

  public FieldCatalog(Settings settings) {
    for (Map<String, Type> m : java.util.List.of(user, account)) {
      m.put("first_seen", Type.TIMESTAMP);
      m.put("last_seen", Type.TIMESTAMP);
      m.put("tenure_days", Type.NUMBER);
      m.put("days_since_last_seen", Type.NUMBER);
      m.put("days_since_created", Type.NUMBER);
      for (int w : settings.features().windows()) {
        m.put("active_days_" + w + "d", Type.NUMBER);
        m.put("total_events_" + w + "d", Type.NUMBER);
        m.put("event_counts_" + w + "d", Type.MAP);
      }
      m.put("total_events_all_time", Type.NUMBER);
      m.put("event_counts_all_time", Type.MAP);
      m.put("traits", Type.MAP);
      m.putAll(SCORE_FIELDS);
    }
    user.put("user_id", Type.STRING);
    user.put("account_id", Type.STRING);
    account.put("account_id", Type.STRING);
    account.put("member_users", Type.NUMBER);
    account.put("total_users", Type.NUMBER);
    account.put("users_ever_seen", Type.NUMBER);
    for (int w : settings.features().windows()) {
      account.put("active_users_" + w + "d", Type.NUMBER);
    }
    account.putAll(ACCOUNT_SCORE_FIELDS);
    for (TraitColumn t : settings.userTraits()) {
      user.putIfAbsent(t.column(), typeOf(t));
    }
    for (TraitColumn t : settings.accountTraits()) {
      account.putIfAbsent(t.column(), typeOf(t));
    }
  }

  private static Map<String, Type> scoreFields() {
    Map<String, Type> m = new LinkedHashMap<>();
    for (String s : java.util.List.of("raw_score", "engagement_score", "frequency", "breadth",
        "activation_progress", "previous_score", "score_change")) {
      m.put(s, Type.NUMBER);
    }
    m.put("active", Type.BOOLEAN);
    m.put("activated", Type.BOOLEAN);
    m.put("trend", Type.STRING);
    m.put("activation_steps_done", Type.STRING_ARRAY);
    return java.util.Collections.unmodifiableMap(m);
  }

  private static Map<String, Type> accountScoreFields() {
    Map<String, Type> m = new LinkedHashMap<>();
    for (String s : java.util.List.of("avg_user_score", "active_users", "active_user_pct", "activated_users",
        "adoption", "adoption_all_time")) {
      m.put(s, Type.NUMBER);
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  private static Type typeOf(TraitColumn t) {
    return switch (t.type()) {
      case LONG, DOUBLE -> Type.NUMBER;
      case BOOLEAN -> Type.BOOLEAN;
      case DATE, TIMESTAMP -> Type.TIMESTAMP;
      case STRING -> Type.STRING;
    };
  }

  /** The type of a field of the entity; {@code traits.<name>} is text; empty if unknown. */
  public Optional<Type> type(SegmentDefinition.Entity entity, String field) {
    if (field.startsWith("traits.") && field.length() > "traits.".length()) {
      return Optional.of(Type.STRING);
    }
    return Optional.ofNullable((entity == SegmentDefinition.Entity.USER ? user : account).get(field));
  }

  /** Score fields: read from the segment's workspace's scores table. */
  public static boolean isScoreField(SegmentDefinition.Entity entity, String field) {
    return SCORE_FIELDS.containsKey(field)
        || (entity == SegmentDefinition.Entity.ACCOUNT && ACCOUNT_SCORE_FIELDS.containsKey(field));
  }

  public java.util.Set<String> names(SegmentDefinition.Entity entity) {
    return (entity == SegmentDefinition.Entity.USER ? user : account).keySet();
  }
}
