package dev.segments.jobs.maintain;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import dev.segments.common.UserError;
import dev.segments.common.config.MaintainSettings;
import dev.segments.common.tables.RetentionClass;
import dev.segments.common.tables.TableCatalog;
import dev.segments.common.tables.TableSpec;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upkeep of every Delta table under a warehouse root, one table after the other: the dates
 * older than its retention class keeps are deleted (one commit), its small files compacted (Delta
 * OPTIMIZE), the data files no version within {@code maintain.vacuum-retention-hours} references
 * deleted (VACUUM), and its log checkpointed (expired log files removed). Rows are untouched except
 * those the retention deletes. The caller holds the warehouse's run lock.
 */
public final class TableUpkeep {
  private static final Logger LOG = LoggerFactory.getLogger(TableUpkeep.class);

  /** Delta refuses a vacuum below 7 days unless this check is off. */
  static final String RETENTION_CHECK = "spark.databricks.delta.retentionDurationCheck.enabled";

  /**
   * VACUUM lists a table's files in this many Spark tasks: Spark's default (10,000) made a vacuum
   * of a small table take minutes on 2 cores (docs/benchmarks.md, "Table upkeep"); upkeep uses
   * twice the cluster's default parallelism instead.
   */
  static final String LISTING_PARALLELISM =
      "spark.sql.sources.parallelPartitionDiscovery.parallelism";

  /** Files and bytes of one table at one moment. */
  public record Footprint(
      long activeFiles, long activeBytes, long storedFiles, long storedBytes, long logFiles) {}

  /**
   * What upkeep did to one table.
   *
   * @param keptFrom the first date kept, when the table's class has a retention and the table a
   *     date
   * @param rowsRemoved rows of the dates before {@code keptFrom}, deleted
   * @param queryMsBefore the time of reading the newest date's rows before upkeep (-1: not timed)
   */
  public record TableResult(
      String table,
      Optional<RetentionClass> retentionClass,
      Footprint before,
      Footprint after,
      long rowsBefore,
      long rowsAfter,
      Optional<LocalDate> keptFrom,
      long rowsRemoved,
      long filesCompacted,
      long queryMsBefore,
      long queryMsAfter,
      long millis) {}

  private final SparkSession spark;
  private final String root;
  private final MaintainSettings settings;
  private final boolean timeQueries;
  private final int threads;

  /**
   * @param threads tables maintained side by side ({@code warehouse.write-threads})
   */
  public TableUpkeep(
      SparkSession spark,
      String root,
      MaintainSettings settings,
      boolean timeQueries,
      int threads) {
    this.threads = Math.max(1, threads);
    this.spark = spark;
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    this.settings = settings;
    this.timeQueries = timeQueries;
  }

  /** The Delta tables directly under the root (one listing of the root, no walk), by name. */
  public List<String> tables() {
    Path rootPath = new Path(root);
    try {
      FileSystem fs = rootPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(rootPath)) {
        throw new UserError("No warehouse at " + root + " (warehouse.path): nothing to maintain");
      }
      List<String> out = new ArrayList<>();
      for (FileStatus s : fs.listStatus(rootPath)) {
        if (s.isDirectory() && fs.exists(new Path(s.getPath(), "_delta_log"))) {
          out.add(s.getPath().getName());
        }
      }
      out.sort(String::compareTo);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the warehouse " + root, e);
    }
  }

  /**
   * Maintains the given tables (all of {@link #tables()} when {@code only} is empty); an unknown
   * name is an error before anything is touched.
   */
  public List<TableResult> run(Set<String> only) {
    List<String> all = tables();
    for (String t : only) {
      if (!all.contains(t)) {
        throw new UserError(
            "maintain --tables: no Delta table " + t + " under " + root + " (tables: " + all + ")");
      }
    }
    boolean checkOff = settings.vacuumRetentionHours() < 168;
    String previous = spark.conf().get(RETENTION_CHECK, "true");
    String previousListing = spark.conf().get(LISTING_PARALLELISM, "10000");
    if (checkOff) {
      spark.conf().set(RETENTION_CHECK, "false");
    }
    spark
        .conf()
        .set(
            LISTING_PARALLELISM,
            String.valueOf(Math.max(1, 2 * spark.sparkContext().defaultParallelism())));
    // Tables are independent: a few at a time overlap their fixed per-command costs.
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<TableResult>> futures = new ArrayList<>();
      for (String t : all) {
        if (only.isEmpty() || only.contains(t)) {
          futures.add(pool.submit(() -> maintain(t)));
        }
      }
      List<TableResult> out = new ArrayList<>();
      for (java.util.concurrent.Future<TableResult> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("maintain was interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
      spark.conf().set(RETENTION_CHECK, previous);
      spark.conf().set(LISTING_PARALLELISM, previousListing);
    }
  }

  private TableResult maintain(String table) {
    long began = System.nanoTime();
    String path = root + "/" + table;
    DeltaTable delta = DeltaTable.forPath(spark, path);
    Optional<RetentionClass> cls = RetentionClass.of(table);
    Optional<String> dateColumn = dateColumn(table, delta.toDF());
    Footprint before = footprint(path, delta);
    long rowsBefore = delta.toDF().count();
    long queryBefore = timeQueries ? timeNewest(path, dateColumn) : -1;

    Optional<LocalDate> keptFrom = Optional.empty();
    long removed = 0;
    int keep = cls.map(settings::keepDays).orElse(0);
    if (keep > 0 && dateColumn.isPresent()) {
      Row newest = delta.toDF().agg(max(col(dateColumn.get()))).first();
      if (!newest.isNullAt(0)) {
        LocalDate from = newest.getDate(0).toLocalDate().minusDays(keep - 1L);
        keptFrom = Optional.of(from);
        removed = delta.toDF().where(col(dateColumn.get()).lt(lit(Date.valueOf(from)))).count();
        if (removed > 0) {
          delta.delete(col(dateColumn.get()).lt(lit(Date.valueOf(from))));
        }
      }
    }
    long t = System.nanoTime();
    Row compaction = delta.optimize().executeCompaction().first();
    long compacted = compactedFiles(compaction);
    long optimizeMs = (System.nanoTime() - t) / 1_000_000L;
    t = System.nanoTime();
    delta.vacuum(settings.vacuumRetentionHours());
    long vacuumMs = (System.nanoTime() - t) / 1_000_000L;
    t = System.nanoTime();
    DeltaLog log = DeltaLog.forTable(spark, path);
    log.checkpointAndCleanUpDeltaLog(
        log.update(false, scala.Option.empty(), scala.Option.empty()), scala.Option.empty());
    LOG.info(
        "maintain {}: {} rows removed, {} files compacted in {} ms, vacuum {} ms, checkpoint {} ms",
        table,
        removed,
        compacted,
        optimizeMs,
        vacuumMs,
        (System.nanoTime() - t) / 1_000_000L);

    DeltaTable now = DeltaTable.forPath(spark, path);
    Footprint after = footprint(path, now);
    long rowsAfter = now.toDF().count();
    long queryAfter = timeQueries ? timeNewest(path, dateColumn) : -1;
    if (rowsAfter != rowsBefore - removed) {
      // Never expected: compaction and vacuum move no row. Said loudly rather than summed away.
      LOG.error(
          "maintain {}: {} rows before, {} removed by retention, but {} after",
          table,
          rowsBefore,
          removed,
          rowsAfter);
    }
    return new TableResult(
        table,
        cls,
        before,
        after,
        rowsBefore,
        rowsAfter,
        keptFrom,
        removed,
        compacted,
        queryBefore,
        queryAfter,
        (System.nanoTime() - began) / 1_000_000L);
  }

  /** The table's date column: its date partition, else its run date column. */
  static Optional<String> dateColumn(String table, Dataset<Row> rows) {
    Optional<TableSpec> spec =
        TableCatalog.find(table)
            .or(
                () ->
                    table.startsWith("segment_")
                        ? Optional.of(TableCatalog.SEGMENT)
                        : Optional.empty());
    List<String> candidates = new ArrayList<>();
    spec.flatMap(TableSpec::partitionColumn).ifPresent(candidates::add);
    spec.flatMap(TableSpec::runDateColumn).ifPresent(candidates::add);
    candidates.add("as_of_date");
    candidates.add("ingest_date");
    List<String> columns = List.of(rows.columns());
    return candidates.stream()
        .filter(columns::contains)
        .filter(c -> rows.schema().apply(c).dataType().typeName().equals("date"))
        .findFirst();
  }

  private static long compactedFiles(Row metrics) {
    // OPTIMIZE's result: (path, metrics struct with numFilesRemoved, numFilesAdded, ...).
    Row m = metrics.getStruct(1);
    return ((Number) m.getAs("numFilesRemoved")).longValue();
  }

  /** Reads the newest date's rows (every column) and returns the milliseconds, best of two. */
  private long timeNewest(String path, Optional<String> dateColumn) {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 2; i++) {
      long t = System.nanoTime();
      Dataset<Row> rows = spark.read().format("delta").load(path);
      if (dateColumn.isPresent()) {
        Row newest = rows.agg(max(col(dateColumn.get()))).first();
        if (!newest.isNullAt(0)) {
          rows = rows.where(col(dateColumn.get()).equalTo(lit(newest.getDate(0))));
        }
      }
      rows.write().format("noop").mode("overwrite").save();
      best = Math.min(best, (System.nanoTime() - t) / 1_000_000L);
    }
    return best;
  }

  private Footprint footprint(String path, DeltaTable delta) {
    Row detail = delta.detail().select("numFiles", "sizeInBytes").first();
    long storedFiles = 0;
    long storedBytes = 0;
    long logFiles = 0;
    Path tablePath = new Path(path);
    try {
      FileSystem fs = tablePath.getFileSystem(spark.sparkContext().hadoopConfiguration());
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(tablePath, true);
      while (files.hasNext()) {
        LocatedFileStatus f = files.next();
        String p = f.getPath().toString();
        if (p.contains("/_delta_log/")) {
          logFiles++;
        } else if (!f.getPath().getName().startsWith(".")) {
          storedFiles++;
          storedBytes += f.getLen();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + path, e);
    }
    return new Footprint(
        ((Number) detail.get(0)).longValue(),
        ((Number) detail.get(1)).longValue(),
        storedFiles,
        storedBytes,
        logFiles);
  }
}
