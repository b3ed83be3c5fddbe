package dev.segments.common.config;

import dev.segments.common.segments.Cond;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One scoring model ({@code scoring.workspaces.<name>}).
 *
 * @param name the workspace name; {@code default} always exists
 * @param periodDays the scoring period: 1, 7 or 30 days ending on the run date
 * @param normalization how raw scores become 0–100 scores
 * @param features the scored features; empty = every event scores 1 in one feature {@code all}
 * @param population who is scored (users); empty = everyone
 * @param userSteps activation steps of users
 * @param accountSteps activation steps of accounts
 * @param bands the suggested-segment bounds
 */
public record Workspace(
    String name,
    int periodDays,
    Normalization normalization,
    List<ScoredFeature> features,
    Optional<Cond> population,
    List<ActivationStep> userSteps,
    List<ActivationStep> accountSteps,
    Bands bands) {

  public Workspace {
    features = List.copyOf(features);
    userSteps = List.copyOf(userSteps);
    accountSteps = List.copyOf(accountSteps);
  }

  /** exponential (default) or linear, see docs/scoring.md. */
  public enum Normalization {
    EXPONENTIAL,
    LINEAR
  }

  /** fixed score bounds or the day's percentiles. */
  public enum BandMode {
    FIXED,
    PERCENTILE
  }

  /**
   * A group of events with an importance 1–10; each event's weight is 0–10 (0 = not scored).
   *
   * @param weights event → weight, in config order
   */
  public record ScoredFeature(String name, int importance, Map<String, Double> weights) {
    public ScoredFeature {
      weights = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    }
  }

  /**
   * Bounds of the suggested segments.
   *
   * @param mode fixed or percentile engagement bands
   * @param mostEngaged lowest score of most_engaged (fixed mode)
   * @param slightlyEngaged lowest score of slightly_engaged (fixed mode)
   * @param passive lowest score of passive (fixed mode); least_engaged is 1 up to it
   * @param trendThreshold a score change of at least this is red_hot, at most minus this ice_cold
   * @param recentlyInactiveFrom days since last seen, lower bound of recently_inactive
   * @param recentlyInactiveTo days since last seen, upper bound of recently_inactive
   * @param matureDays mature = created more than this many days ago
   * @param multiUserActiveUsers multi_user accounts have at least this many active users
   */
  public record Bands(
      BandMode mode,
      int mostEngaged,
      int slightlyEngaged,
      int passive,
      int trendThreshold,
      int recentlyInactiveFrom,
      int recentlyInactiveTo,
      int matureDays,
      int multiUserActiveUsers) {}

  /** True when no features are configured: every event scores 1. */
  public boolean scoresEveryEvent() {
    return features.isEmpty();
  }

  /** Scored event (weight above 0) → importance × weight. */
  public Map<String, Double> eventMultipliers() {
    Map<String, Double> out = new LinkedHashMap<>();
    for (ScoredFeature f : features) {
      f.weights()
          .forEach(
              (event, weight) -> {
                if (weight > 0) {
                  out.put(event, f.importance() * weight);
                }
              });
    }
    return out;
  }

  /** Scored event (weight above 0) → its feature. */
  public Map<String, String> eventFeatures() {
    Map<String, String> out = new LinkedHashMap<>();
    for (ScoredFeature f : features) {
      f.weights()
          .forEach(
              (event, weight) -> {
                if (weight > 0) {
                  out.put(event, f.name());
                }
              });
    }
    return out;
  }

  /** Features with at least one scored event (the denominator of breadth). */
  public long scoredFeatureCount() {
    return eventFeatures().values().stream().distinct().count();
  }
}
