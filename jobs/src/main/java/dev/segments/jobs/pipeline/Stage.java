package dev.segments.jobs.pipeline;

import java.util.Arrays;
import java.util.List;

/**
 * The pipeline's stages in the order a run executes them. The single source of that order: the
 * {@code run} command, the README and the Airflow DAG check read it from here.
 */
public enum Stage {
  INGEST("ingest"),
  FEATURES("features"),
  SCORE("score"),
  SEGMENTS("segments");

  private final String command;

  Stage(String command) {
    this.command = command;
  }

  /** The CLI subcommand that runs this stage alone. */
  public String command() {
    return command;
  }

  /** The named stages in pipeline order; all of them for null or empty. */
  public static List<Stage> parse(List<String> names) {
    if (names == null || names.isEmpty()) {
      return List.of(values());
    }
    java.util.Set<Stage> wanted = java.util.EnumSet.noneOf(Stage.class);
    for (String n : names) {
      Stage s = Arrays.stream(values()).filter(x -> x.command.equals(n.trim())).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("Unknown stage '" + n + "'; stages are " + String.join(", ", commands())));
      wanted.add(s);
    }
    return List.copyOf(wanted);
  }

  public static List<String> commands() {
    return Arrays.stream(values()).map(Stage::command).toList();
  }
}
