package dev.segments.jobs.export;

import java.util.Optional;

/**
 * What a destination answered for one change: acknowledged (with the record's id there, when it has
 * one) or rejected with the reason.
 */
record Ack(Change change, boolean ok, Optional<String> remoteId, Optional<String> error) {
  static Ack ok(Change c, Optional<String> remoteId) {
    return new Ack(c, true, remoteId.or(c::remoteId), Optional.empty());
  }

  static Ack rejected(Change c, String error) {
    return new Ack(c, false, c.remoteId(), Optional.of(error));
  }
}
