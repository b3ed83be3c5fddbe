package dev.segments.jobs.cli;

import dev.segments.common.config.MaintainSettings;
import dev.segments.common.tables.RetentionClass;
import dev.segments.jobs.maintain.TableUpkeep;
import dev.segments.jobs.maintain.TableUpkeep.TableResult;
import java.io.PrintStream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "maintain",
    mixinStandardHelpOptions = true,
    description = {
      "Table upkeep, weekly: for every Delta table of the warehouse, deletes the dates older than"
          + " its class keeps (maintain.keep-days), compacts small files (OPTIMIZE), deletes data"
          + " files unreferenced for maintain.vacuum-retention-hours (VACUUM) and checkpoints the"
          + " log. Holds the warehouse's run lock, so it waits for a running night (and a night"
          + " waits for it).",
      "Prints one line per table: active files and bytes, files stored, log files and rows,"
          + " before -> after, and the rows the retention removed."
    })
public final class MaintainCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = "--tables",
      split = ",",
      paramLabel = "TABLE",
      description = "Only these tables (comma-separated; default: every table).")
  List<String> tables = List.of();

  @Option(
      names = "--time-queries",
      description =
          "Also time a typical read (the newest date's rows, every column) of each table before and"
              + " after, best of two (tables are then maintained one at a time, so that the"
              + " timings do not share the machine).")
  boolean timeQueries;

  @Override
  public Integer call() {
    try (JobContext ctx =
        JobContext.open(config, "segments maintain", List.of(), java.util.Map.of())) {
      MaintainSettings m = ctx.settings().maintain();
      PrintStream out = System.out;
      out.printf(
          "maintain %s: vacuum after %d h; dates kept: %s%n",
          ctx.settings().warehousePath(), m.vacuumRetentionHours(), kept(m));
      List<TableResult> results =
          new TableUpkeep(
                  ctx.spark(),
                  ctx.settings().warehousePath(),
                  m,
                  timeQueries,
                  timeQueries ? 1 : ctx.settings().warehouseWriteThreads())
              .run(new LinkedHashSet<>(tables));
      print(results, timeQueries, out);
      return 0;
    }
  }

  static String kept(MaintainSettings m) {
    StringBuilder sb = new StringBuilder();
    for (RetentionClass c : RetentionClass.values()) {
      int days = m.keepDays(c);
      sb.append(sb.isEmpty() ? "" : ", ")
          .append(c.configName())
          .append(' ')
          .append(days == 0 ? "all" : days + " days");
    }
    return sb.toString();
  }

  public static void print(List<TableResult> results, boolean timed, PrintStream out) {
    out.printf(
        "%-36s %-20s %-24s %-16s %-12s %-20s %s%n",
        "table",
        "active files",
        "active bytes",
        "stored files",
        "log files",
        "rows",
        timed ? "newest date read ms" : "");
    long filesBefore = 0;
    long filesAfter = 0;
    long bytesBefore = 0;
    long bytesAfter = 0;
    long storedBefore = 0;
    long storedAfter = 0;
    long removed = 0;
    for (TableResult r : results) {
      out.printf(
          "%-36s %-20s %-24s %-16s %-12s %-20s %s%n",
          r.table(),
          r.before().activeFiles() + " -> " + r.after().activeFiles(),
          r.before().activeBytes() + " -> " + r.after().activeBytes(),
          r.before().storedFiles() + " -> " + r.after().storedFiles(),
          r.before().logFiles() + " -> " + r.after().logFiles(),
          r.rowsBefore() + " -> " + r.rowsAfter(),
          (timed ? r.queryMsBefore() + " -> " + r.queryMsAfter() : "")
              + r.keptFrom()
                  .map(
                      d ->
                          "  kept from "
                              + d
                              + " ("
                              + r.retentionClass().get().configName()
                              + "): "
                              + r.rowsRemoved()
                              + " rows removed")
                  .orElse(""));
      filesBefore += r.before().activeFiles();
      filesAfter += r.after().activeFiles();
      bytesBefore += r.before().activeBytes();
      bytesAfter += r.after().activeBytes();
      storedBefore += r.before().storedFiles();
      storedAfter += r.after().storedFiles();
      removed += r.rowsRemoved();
    }
    out.printf(
        "maintain: %d tables; active files %d -> %d, bytes %d -> %d; stored files %d -> %d;"
            + " %d rows removed by retention%n",
        results.size(),
        filesBefore,
        filesAfter,
        bytesBefore,
        bytesAfter,
        storedBefore,
        storedAfter,
        removed);
  }
}
