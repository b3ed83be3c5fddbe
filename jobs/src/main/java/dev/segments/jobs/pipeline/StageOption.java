package dev.segments.jobs.pipeline;

/**
 * An option of a stage's command beyond {@code --date} (e.g. export's {@code --dry-run}); in a
 * {@code run} every stage has its options' defaults.
 *
 * @param label the value's label in --help; null for a flag
 */
public record StageOption(String name, String label, String description) {
  public static StageOption flag(String name, String description) {
    return new StageOption(name, null, description);
  }

  public static StageOption value(String name, String label, String description) {
    return new StageOption(name, label, description);
  }

  public boolean isFlag() {
    return label == null;
  }
}
