package dev.segments.common.config;

import java.util.List;

/**
 * Feature table settings.
 *
 * @param windows rolling windows in days, ascending, each ending on the run date
 * @param totalUsersWindowDays the window of account_features.total_users
 * @param totalsRetentionDays how many days of user_event_totals snapshots are kept
 * @param parentTrait the account trait naming an account's parent account (the hierarchy); empty:
 *     no hierarchy
 */
public record FeatureSettings(
    List<Integer> windows, int totalUsersWindowDays, int totalsRetentionDays, String parentTrait) {

  public FeatureSettings {
    windows = List.copyOf(windows);
  }

  /** Whether accounts form a hierarchy (a parent trait is configured). */
  public boolean hierarchy() {
    return !parentTrait.isEmpty();
  }

  /** The longest window: how many days of the daily rollup one feature build reads. */
  public int longestWindow() {
    return Math.max(totalUsersWindowDays, windows.get(windows.size() - 1));
  }
}
