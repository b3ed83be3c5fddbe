package dev.segments.jobs.cli;

import dev.segments.common.tables.TableCatalog;
import dev.segments.common.tables.TableSpec;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "tables",
    mixinStandardHelpOptions = true,
    description =
        "Lists the tables the pipeline writes (from the table catalog); --markdown prints docs/tables.md.")
public final class TablesCommand implements Callable<Integer> {
  @Option(
      names = "--markdown",
      description = "Print the tables page (docs/tables.md is this output).")
  boolean markdown;

  @Override
  public Integer call() {
    if (markdown) {
      System.out.print(TableCatalog.markdown());
      return 0;
    }
    for (TableSpec t : TableCatalog.ALL) {
      System.out.printf(
          "%-22s %-9s %-16s %s%n",
          t.name(), t.stage(), t.partitionColumn().orElse("-"), t.writeMode());
    }
    System.out.printf(
        "%-22s %-9s %-16s %s%n",
        TableCatalog.SEGMENT.name(),
        TableCatalog.SEGMENT.stage(),
        TableCatalog.SEGMENT.partitionColumn().orElse("-"),
        TableCatalog.SEGMENT.writeMode());
    return 0;
  }
}
