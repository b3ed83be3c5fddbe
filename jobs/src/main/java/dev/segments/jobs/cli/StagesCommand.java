package dev.segments.jobs.cli;

import dev.segments.jobs.pipeline.Stage;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "stages",
    mixinStandardHelpOptions = true,
    description = "Prints the pipeline's stages in run order (the order `run` uses and the Airflow DAG reads).")
public final class StagesCommand implements Callable<Integer> {
  @Option(names = "--json", description = "As the JSON the Airflow DAG reads (scripts/airflow/segments_stages.json).")
  boolean json;

  @Override
  public Integer call() {
    if (json) {
      System.out.println(json());
    } else {
      Stage.commands().forEach(System.out::println);
    }
    return 0;
  }

  /** {"stages": ["ingest", ...]}. */
  public static String json() {
    return "{\"stages\": [" + Stage.commands().stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(", ")) + "]}";
  }
}
