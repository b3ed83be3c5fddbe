package dev.segments.jobs.segments;

import java.util.List;

/** Segment definitions that do not validate; the run stops before anything is written. */
public final class InvalidSegmentsException extends dev.segments.common.UserError {
  private final List<String> errors;

  public InvalidSegmentsException(List<String> errors) {
    super("Invalid segment definitions (" + errors.size() + "):\n  " + String.join("\n  ", errors));
    this.errors = List.copyOf(errors);
  }

  public List<String> errors() {
    return errors;
  }
}
