package dev.segments.common.segments;

/**
 * One segment.
 *
 * @param id the segment id ([a-z][a-z0-9_]*); its table is {@code segment_<id>}
 * @param entity user or account
 * @param kind standard, suggested or custom
 * @param workspace whose scores the score fields read
 * @param where the condition
 * @param definitionJson the definition as JSON (as written, or generated), for segment_definitions
 * @param source the file it came from ("generated" for standard and suggested ones)
 * @param level which rows of an account hierarchy an account segment reads ({@link Level#LEAF} for
 *     user segments)
 */
public record SegmentDefinition(
    String id,
    String name,
    String description,
    Entity entity,
    Kind kind,
    String workspace,
    Cond where,
    String definitionJson,
    String source,
    Level level) {

  /**
   * The rows of account_features / account_scores an account segment is evaluated on: {@code leaf}
   * every account on its own (the rows as without a hierarchy); {@code parent} the accounts with
   * child accounts, each rolled up with everything under it; {@code any} one row per account, the
   * rolled-up one where the account has children and its own otherwise.
   */
  public enum Level {
    LEAF("leaf"),
    PARENT("parent"),
    ANY("any");

    public final String key;

    Level(String key) {
      this.key = key;
    }

    public static java.util.Optional<Level> of(String key) {
      for (Level l : values()) {
        if (l.key.equals(key)) {
          return java.util.Optional.of(l);
        }
      }
      return java.util.Optional.empty();
    }
  }

  public enum Entity {
    USER("user"),
    ACCOUNT("account");

    public final String key;

    Entity(String key) {
      this.key = key;
    }

    public String idColumn() {
      return key + "_id";
    }
  }

  public enum Kind {
    STANDARD,
    SUGGESTED,
    CUSTOM
  }

  public String table() {
    return "segment_" + id;
  }
}
