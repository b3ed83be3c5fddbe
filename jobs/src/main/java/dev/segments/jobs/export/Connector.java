package dev.segments.jobs.export;

import dev.segments.common.segments.SegmentDefinition.Entity;
import java.util.List;
import java.util.Map;

/**
 * One destination's API: what it must have before records arrive (lists, tags, attributes), then
 * batches of changes of one entity, answered change by change. Implementations are safe to call
 * from several threads for different batches, and every call is repeat-safe (upsert by key,
 * membership add / remove, tag by name, deterministic message ids).
 */
interface Connector {
  /**
   * Creates what is missing for these segments and fields (HubSpot lists, Intercom tags and data
   * attributes); returns the ids learnt, segment id to the destination's id, for export_state.
   *
   * @param fieldTypes the exported fields and their types (string, integer, float, boolean, date,
   *     datetime)
   * @param known the destination's ids of segments an earlier sync learnt
   */
  Map<String, String> prepare(
      Entity entity,
      List<String> segments,
      Map<String, String> fieldTypes,
      Map<String, String> known);

  /** Sends one batch; one answer per change, in any order. */
  List<Ack> send(Entity entity, List<Change> batch);

  /** The destination's HTTP side (its counts of requests sent and repeated). */
  HttpApi api();

  /** HTTP requests sent so far. */
  default long requests() {
    return api().requests();
  }

  /** Requests sent again (429s, 5xx, timeouts). */
  default long retried() {
    return api().retried();
  }
}
