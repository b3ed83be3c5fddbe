package dev.segments.common.config;

import dev.segments.common.segments.SegmentDefinition.Entity;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** {@code exports.destinations.*}: where the export stage sends segments (docs/exports.md). */
public record ExportSettings(List<Destination> destinations) {

  public ExportSettings {
    destinations = List.copyOf(destinations);
  }

  public static ExportSettings none() {
    return new ExportSettings(List.of());
  }

  public List<Destination> enabled() {
    return destinations.stream().filter(Destination::enabled).toList();
  }

  public Optional<Destination> destination(String name) {
    return destinations.stream().filter(d -> d.name().equals(name)).findFirst();
  }

  public enum Type {
    HUBSPOT,
    INTERCOM,
    SEGMENT,
    FILES;

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Type> fromKey(String key) {
      for (Type t : values()) {
        if (t.key().equals(key)) {
          return Optional.of(t);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * One destination.
   *
   * @param segments segment ids, globs ({@code trial_*}) or kinds ({@code kind:custom})
   * @param fields the fields sent along (features, traits, scores of {@code workspace})
   * @param userIdColumn our column whose value identifies a user in the destination
   * @param accountIdColumn our column whose value identifies an account in the destination
   * @param credentialEnv the environment variable holding the credential ("" for files)
   * @param options the type's own keys (paths, prefixes, version, formats) as text
   */
  public record Destination(
      String name,
      Type type,
      boolean enabled,
      List<String> segments,
      List<Entity> entities,
      String workspace,
      List<String> fields,
      String userIdColumn,
      String accountIdColumn,
      String baseUrl,
      String credentialEnv,
      int batchSize,
      int concurrency,
      int rateLimitRequests,
      Duration rateLimitPeriod,
      Duration timeout,
      int maxAttempts,
      Duration backoff,
      Map<String, String> options) {

    public Destination {
      segments = List.copyOf(segments);
      entities = List.copyOf(entities);
      fields = List.copyOf(fields);
      options = Map.copyOf(options);
    }

    /** The config key of this destination ({@code exports.destinations.<name>}). */
    public String key() {
      return "exports.destinations." + name;
    }

    public String option(String key) {
      String value = options.get(key);
      if (value == null) {
        throw new IllegalStateException(key() + "." + key + " is not a key of " + type.key());
      }
      return value;
    }

    public String idColumn(Entity entity) {
      return entity == Entity.USER ? userIdColumn : accountIdColumn;
    }

    @Override
    public String toString() {
      // No credential is held here (only the variable's name), so the record prints as is.
      return "Destination[" + name + ", " + type.key() + (enabled ? "" : ", disabled") + "]";
    }
  }
}
