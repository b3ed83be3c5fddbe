package dev.segments.common.config;

import dev.segments.common.segments.Cond;
import java.util.Optional;

/**
 * One activation step of a workspace: an event done at least N times (ever or within a window), a
 * condition on a trait or feature, or at least N active days within a window.
 *
 * @param name the step's name (shown in {@code activation_steps_done})
 * @param kind which of the three
 * @param event the event (EVENT steps)
 * @param atLeast the minimum count (EVENT) or active days (ACTIVE_DAYS)
 * @param withinDays the window, one of {@code features.windows}; empty = ever (EVENT only)
 * @param condition the field condition of the segment language (TRAIT steps)
 */
public record ActivationStep(
    String name,
    Kind kind,
    String event,
    long atLeast,
    Optional<Integer> withinDays,
    Optional<Cond> condition) {

  /** The kinds of step. */
  public enum Kind {
    EVENT,
    TRAIT,
    ACTIVE_DAYS
  }
}
