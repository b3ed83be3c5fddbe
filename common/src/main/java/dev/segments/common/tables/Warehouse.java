package dev.segments.common.tables;

import io.delta.tables.DeltaTable;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Delta tables under one warehouse root: where each lives, reading them, and the one way we
 * write them (one atomic commit per table per run, replacing exactly the rows of the run's keys).
 */
public final class Warehouse {
  private static final Logger LOG = LoggerFactory.getLogger(Warehouse.class);

  private final SparkSession spark;
  private final String root;
  private final Optional<String> catalogDatabase;
  private final java.util.Set<String> registered = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final java.util.Set<String> known = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final java.util.Map<String, Boolean> hiveLayout = new java.util.concurrent.ConcurrentHashMap<>();

  public Warehouse(SparkSession spark, String root, Optional<String> catalogDatabase) {
    this.spark = spark;
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    this.catalogDatabase = catalogDatabase;
  }

  public String root() {
    return root;
  }

  public String path(String table) {
    return root + "/" + table;
  }

  public boolean exists(String table) {
    // A table, once there, stays for the life of this object (one command): skip the log read.
    if (known.contains(table)) {
      return true;
    }
    boolean exists = DeltaTable.isDeltaTable(spark, path(table));
    if (exists) {
      known.add(table);
    }
    return exists;
  }

  /** The table's current rows; fails naming the table and the stage to run if it is missing. */
  public Dataset<Row> read(String table) {
    if (!exists(table)) {
      throw new IllegalStateException(
          "Cannot read table "
              + table
              + ": there is no Delta table at "
              + path(table)
              + " (run the stage that writes it first, e.g. segments run --date D)");
    }
    return spark.read().format("delta").load(path(table));
  }

  /** The table's rows, or empty when the table does not exist yet (first run). */
  public Optional<Dataset<Row>> readIfExists(String table) {
    return exists(table) ? Optional.of(read(table)) : Optional.empty();
  }

  /**
   * Replaces the rows matching {@code replaceWhere} with {@code rows} in one commit (creating the
   * table on first write). Every row of {@code rows} must match the predicate; the predicate is
   * written by us from dates, never from user input.
   */
  public long replace(String table, Dataset<Row> rows, String replaceWhere, List<String> partitionBy) {
    return write(table, rows, replaceWhere, partitionBy, true, false);
  }

  /**
   * Replaces the rows of the given dates of a table partitioned by the date column {@code column}
   * in one commit. When none of those dates has a partition folder yet (the common case: the
   * first run of a date) the commit is a plain append, which skips Delta's scan for the files to
   * remove (about a second per commit on small tables, docs/benchmarks.md); otherwise, and on
   * any table whose files do not live in partition folders, it is a {@code replaceWhere}
   * overwrite of exactly those dates. Either way the table ends up the same. With {@code count}
   * false the written row count is not read back from the Delta log (returns -1): one read less
   * per commit, for the many small per-segment tables whose sizes are known anyway.
   */
  public long replaceDates(String table, Dataset<Row> rows, String column, java.util.Collection<LocalDate> dates, boolean count) {
    if (dates.isEmpty()) {
      throw new IllegalArgumentException("replaceDates on " + table + " needs at least one date");
    }
    String where = dates.size() == 1
        ? column + " = " + dateLiteral(dates.iterator().next())
        : column + " IN (" + dates.stream().sorted().map(Warehouse::dateLiteral).collect(java.util.stream.Collectors.joining(", ")) + ")";
    boolean append = exists(table) && datesAbsent(table, column, dates);
    return write(table, rows, where, List.of(column), count, append);
  }

  /** As {@link #replaceDates(String, Dataset, String, java.util.Collection, boolean)} for one date. */
  public long replaceDate(String table, Dataset<Row> rows, String column, LocalDate date, boolean count) {
    return replaceDates(table, rows, column, List.of(date), count);
  }

  private long write(String table, Dataset<Row> rows, String replaceWhere, List<String> partitionBy, boolean count, boolean append) {
    long start = System.nanoTime();
    var writer = TableDocs.get().withComments(table, rows).write().format("delta");
    String how;
    if (append) {
      // A trait column added to the config adds a column; older rows read it as null.
      writer.mode("append").option("mergeSchema", "true").save(path(table));
      how = "appended, new dates";
    } else if (exists(table)) {
      writer
          .mode("overwrite")
          .option("replaceWhere", replaceWhere)
          .option("mergeSchema", "true")
          .save(path(table));
      how = "replaced";
    } else {
      writer.mode("overwrite").partitionBy(partitionBy.toArray(String[]::new)).save(path(table));
      how = "created";
    }
    known.add(table);
    long written = count ? rowsWrittenByLastCommit(table) : -1;
    register(table);
    LOG.info("Wrote {} rows to {} ({}; {}) in {} ms", count ? written : "the", table, replaceWhere, how,
        (System.nanoTime() - start) / 1_000_000);
    return written;
  }

  /**
   * True when no partition folder {@code column=date} exists for any of the dates, so no file of
   * the table's current version holds them. Only trusted on tables that keep Hive-style partition
   * folders (Delta writes random prefixes instead with column mapping or randomizeFilePrefixes).
   * A folder that exists but whose files were all removed only costs the slower path.
   */
  private boolean datesAbsent(String table, String column, java.util.Collection<LocalDate> dates) {
    if (!hivePartitionFolders(table, column)) {
      return false;
    }
    try {
      org.apache.hadoop.fs.Path base = new org.apache.hadoop.fs.Path(path(table));
      org.apache.hadoop.fs.FileSystem fs = base.getFileSystem(spark.sparkContext().hadoopConfiguration());
      for (LocalDate d : dates) {
        if (fs.exists(new org.apache.hadoop.fs.Path(base, column + "=" + d))) {
          return false;
        }
      }
      return true;
    } catch (java.io.IOException e) {
      LOG.warn("Could not list the partition folders of {} ({}); replacing instead of appending", table, e.toString());
      return false;
    }
  }

  /**
   * Whether the table's data files live under {@code column=value} folders at its root: its first
   * partition column is {@code column} and its Delta properties keep Hive-style paths. Read from
   * the snapshot the existence check just loaded (metadata only, no Spark job).
   */
  private boolean hivePartitionFolders(String table, String column) {
    return hiveLayout.computeIfAbsent(table + "/" + column, k -> {
      org.apache.spark.sql.delta.actions.Metadata metadata =
          org.apache.spark.sql.delta.DeltaLog.forTable(spark, path(table)).unsafeVolatileSnapshot().metadata();
      scala.collection.immutable.Seq<String> partitions = metadata.partitionColumns();
      if (partitions.isEmpty() || !partitions.head().equals(column)) {
        return false;
      }
      scala.collection.immutable.Map<String, String> props = metadata.configuration();
      String randomize = props.contains("delta.randomizeFilePrefixes") ? props.apply("delta.randomizeFilePrefixes") : "false";
      String mapping = props.contains("delta.columnMapping.mode") ? props.apply("delta.columnMapping.mode") : "none";
      return !"true".equalsIgnoreCase(randomize) && "none".equalsIgnoreCase(mapping);
    });
  }

  /** Replaces the whole table in one commit (small state tables rebuilt from their old version). */
  public long overwrite(String table, Dataset<Row> rows) {
    long start = System.nanoTime();
    TableDocs.get().withComments(table, rows).write().format("delta").mode("overwrite").option("overwriteSchema", "true").save(path(table));
    long written = rowsWrittenByLastCommit(table);
    register(table);
    LOG.info("Wrote {} rows to {} (whole table) in {} ms", written, table, (System.nanoTime() - start) / 1_000_000);
    return written;
  }

  /** Rows the table's latest commit wrote, from the Delta log (no data is scanned). */
  private long rowsWrittenByLastCommit(String table) {
    Row last = DeltaTable.forPath(spark, path(table)).history(1).select("operationMetrics").first();
    scala.collection.Map<String, String> metrics = last.getMap(0);
    return metrics == null || metrics.get("numOutputRows").isEmpty() ? 0 : Long.parseLong(metrics.get("numOutputRows").get());
  }

  private void register(String table) {
    if (catalogDatabase.isEmpty() || !registered.add(table)) {
      return;
    }
    String db = catalogDatabase.get();
    String name = "`" + db + "`.`" + table + "`";
    spark.sql("CREATE DATABASE IF NOT EXISTS `" + db + "`");
    if (spark.catalog().tableExists(db, table)) {
      return;
    }
    // Column comments travel in the Delta schema (withComments); the table's comment is set once,
    // when the table enters the catalog (one metadata commit).
    spark.sql("CREATE TABLE IF NOT EXISTS " + name + " USING DELTA LOCATION " + sqlString(path(table)));
    java.util.Optional<String> comment = TableDocs.get().tableComment(table);
    if (comment.isPresent()) {
      spark.sql("COMMENT ON TABLE " + name + " IS " + sqlString(comment.get()));
    }
  }

  /**
   * Runs independent table writes side by side (Spark runs jobs from several driver threads
   * concurrently): on small tables a write is mostly fixed commit cost, which then overlaps.
   * Each write is still its own atomic commit; if one fails, the first failure is thrown after
   * all have finished (a rerun of the date replaces whatever did commit).
   */
  public void writeConcurrently(List<Runnable> writes) {
    if (writes.size() == 1) {
      writes.get(0).run();
      return;
    }
    // A few at a time: on 2 cores more threads only add contention.
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(Math.min(writes.size(), 6));
    try {
      List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
      for (Runnable w : writes) {
        futures.add(pool.submit(w));
      }
      RuntimeException failure = null;
      for (java.util.concurrent.Future<?> f : futures) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (failure == null) {
            failure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted while writing tables", e);
        }
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      pool.shutdown();
    }
  }

  private static String sqlString(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** A SQL date literal for predicates we build. */
  public static String dateLiteral(LocalDate date) {
    return "DATE'" + date + "'";
  }
}
