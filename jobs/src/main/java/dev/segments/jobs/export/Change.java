package dev.segments.jobs.export;

import dev.segments.common.segments.SegmentDefinition.Entity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One record to send: a user or account whose segments or field values differ from what the
 * destination acknowledged, one that left every exported segment, or one that failed before.
 *
 * @param entityId our id (user_id or account_id)
 * @param key the value that identifies the record in the destination ({@code *-id-column})
 * @param segments the exported segments it is in now (sorted; empty: it left them all)
 * @param acknowledged the segments the destination holds it in (sorted)
 * @param values the exported fields (name to value; empty for a record that left)
 * @param hash what export_state keeps once the destination acknowledges this change
 * @param acknowledgedHash what export_state holds now (null: nothing acknowledged yet)
 * @param remoteId the destination's id of the record, when an earlier sync learnt it
 * @param accountId a user's account on the date (null for accounts, or none)
 */
record Change(
    Entity entity,
    String entityId,
    String key,
    List<String> segments,
    List<String> acknowledged,
    Map<String, Object> values,
    String hash,
    String acknowledgedHash,
    Optional<String> remoteId,
    int attempts,
    String accountId) {

  Change {
    segments = List.copyOf(segments);
    acknowledged = List.copyOf(acknowledged);
    values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
  }

  enum Kind {
    ADD,
    UPDATE,
    REMOVE
  }

  Kind kind() {
    if (segments.isEmpty()) {
      return Kind.REMOVE;
    }
    return acknowledged.isEmpty() ? Kind.ADD : Kind.UPDATE;
  }

  /** Segments it entered since the acknowledged state. */
  List<String> entered() {
    List<String> e = new ArrayList<>(segments);
    e.removeAll(acknowledged);
    return e;
  }

  /** Segments it left since the acknowledged state. */
  List<String> exited() {
    List<String> e = new ArrayList<>(acknowledged);
    e.removeAll(segments);
    return e;
  }
}
