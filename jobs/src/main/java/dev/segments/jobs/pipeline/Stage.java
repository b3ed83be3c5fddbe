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
  SCORE("score");

  private final String command;

  Stage(String command) {
    this.command = command;
  }

  /** The CLI subcommand that runs this stage alone. */
  public String command() {
    return command;
  }

  public static List<String> commands() {
    return Arrays.stream(values()).map(Stage::command).toList();
  }
}
