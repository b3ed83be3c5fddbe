package dev.segments.jobs.generate;

import dev.segments.common.UserError;
import java.time.LocalDate;

/**
 * What {@code segments generate} makes. The same spec (seed included) always gives the same lines.
 *
 * @param start first day written
 * @param days number of days written (start .. start + days - 1)
 * @param users users in the whole sample (some sign up during the period)
 * @param accounts accounts
 * @param eventsPerUserDay mean track events of a user on a day the user is active
 * @param badRowRate share of rows made bad on purpose (every reject reason occurs)
 * @param filesPerDay files written per day folder
 */
public record GeneratorSpec(
    LocalDate start,
    int days,
    int users,
    int accounts,
    double eventsPerUserDay,
    long seed,
    double badRowRate,
    int filesPerDay)
    implements java.io.Serializable {

  public GeneratorSpec {
    if (days < 1) {
      throw new UserError("Cannot generate: --days must be at least 1, got " + days);
    }
    if (users < 1 || accounts < 1) {
      throw new UserError(
          "Cannot generate: --users and --accounts must be at least 1, got "
              + users
              + " and "
              + accounts);
    }
    if (eventsPerUserDay <= 0) {
      throw new UserError(
          "Cannot generate: --events-per-user-day must be positive, got " + eventsPerUserDay);
    }
    if (badRowRate < 0 || badRowRate > 0.5) {
      throw new UserError(
          "Cannot generate: --bad-row-rate must be between 0 and 0.5, got " + badRowRate);
    }
    if (filesPerDay < 1) {
      throw new UserError(
          "Cannot generate: --files-per-day must be at least 1, got " + filesPerDay);
    }
  }

  public LocalDate end() {
    return start.plusDays(days - 1L);
  }
}
