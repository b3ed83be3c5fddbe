package dev.segments.jobs.cli;

import dev.segments.jobs.pipeline.Stages;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "stages",
    mixinStandardHelpOptions = true,
    description =
        "Prints the pipeline's stages in run order (the order `run` uses and the Airflow DAG reads).")
public final class StagesCommand implements Callable<Integer> {
  @Option(
      names = "--json",
      description = "As the JSON the Airflow DAG reads (scripts/airflow/segments_stages.json).")
  boolean json;

  @Override
  public Integer call() {
    if (json) {
      System.out.println(json());
    } else {
      Stages.names().forEach(System.out::println);
    }
    return 0;
  }

  /** {"stages": ["ingest", ...]}. */
  public static String json() {
    return Stages.json();
  }
}
