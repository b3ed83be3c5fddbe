package dev.segments.jobs.cli;

import dev.segments.jobs.check.WarehouseComparison;
import dev.segments.jobs.check.WarehouseComparison.TableResult;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description = {
      "Compares two warehouses table by table, row for row (same tables, columns and rows).",
      "Prints one line per table and exits 1 if any table differs. The run logs pipeline_runs"
          + " and export_runs (run ids, hosts, times, and what each sync happened to send) are"
          + " never compared."
    })
public final class CompareCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Parameters(index = "0", paramLabel = "LEFT", description = "A warehouse root folder.")
  Path left;

  @Parameters(index = "1", paramLabel = "RIGHT", description = "The other warehouse root folder.")
  Path right;

  @picocli.CommandLine.Option(
      names = "--date",
      paramLabel = "YYYY-MM-DD",
      converter = DateConverter.class,
      description = "Compare only this date's rows of the tables with an as_of_date column.")
  java.time.LocalDate date;

  @picocli.CommandLine.Option(
      names = "--exclude",
      split = ",",
      paramLabel = "TABLE[.COLUMN]",
      description =
          "Tables to leave out (comma-separated; a trailing * matches a prefix), or TABLE.COLUMN: "
              + "a column left out of that table's comparison.")
  List<String> exclude = List.of();

  @Override
  public Integer call() {
    long began = System.nanoTime();
    try (JobContext ctx = JobContext.open(config, "segments compare")) {
      List<TableResult> results =
          new WarehouseComparison(
                  ctx.spark(),
                  java.util.Optional.ofNullable(date),
                  exclude,
                  ctx.settings().compareThreads())
              .compare(left, right);
      long rows = 0;
      int differing = 0;
      for (TableResult r : results) {
        System.out.printf(
            "%-40s %10d %10d  %s%n",
            r.table(),
            r.leftRows(),
            r.rightRows(),
            r.same() ? "identical" : "DIFFERENT: " + r.difference());
        rows += Math.max(r.leftRows(), 0);
        differing += r.same() ? 0 : 1;
      }
      System.out.printf(
          "compare: %d tables, %d rows on the left; %s (%d s)%n",
          results.size(),
          rows,
          differing == 0 ? "all identical" : differing + " tables differ",
          (System.nanoTime() - began) / 1_000_000_000L);
      if (results.isEmpty()) {
        System.out.println("compare: no Delta tables under either folder");
        return 1;
      }
      return differing == 0 ? 0 : 1;
    }
  }
}
