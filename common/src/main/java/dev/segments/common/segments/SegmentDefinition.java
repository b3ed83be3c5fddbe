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
    String source) {

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
