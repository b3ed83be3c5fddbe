package dev.segments.common.tables;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import dev.segments.common.UserError;
import io.delta.tables.DeltaTable;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
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
  private final int writeThreads;
  private final String root;
  private final Optional<String> catalogDatabase;
  private final java.util.Set<String> registered =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final java.util.Set<String> known = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final java.util.Map<String, Long> written =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** With the default of {@code warehouse.write-threads} (6). */
  public Warehouse(SparkSession spark, String root, Optional<String> catalogDatabase) {
    this(spark, root, catalogDatabase, 6);
  }

  /**
   * @param writeThreads independent writes run side by side ({@code warehouse.write-threads})
   */
  public Warehouse(
      SparkSession spark, String root, Optional<String> catalogDatabase, int writeThreads) {
    this.writeThreads = writeThreads;
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
      throw new UserError(
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
   * Replaces the given dates of a table written by {@link WriteMode#DATES_REPLACED} in one commit
   * (creating the table on first write). When the table holds no row of those dates yet (the common
   * case: the first run of a date) the commit is a plain append, which skips Delta's search for the
   * files to remove; otherwise it is a {@code replaceWhere} overwrite of exactly those dates.
   * Either way the table ends up the same. Returns the rows written.
   */
  public long replaceDates(TableSpec table, Dataset<Row> rows, Collection<LocalDate> dates) {
    return replaceDates(table, rows, dates, Optional.empty());
  }

  /** As {@link #replaceDates(TableSpec, Dataset, Collection)} for one date. */
  public long replaceDate(TableSpec table, Dataset<Row> rows, LocalDate date) {
    return replaceDates(table, rows, List.of(date), Optional.empty());
  }

  /**
   * As {@link #replaceDates(TableSpec, Dataset, Collection)}, and in the same commit removes every
   * date before {@code dropBefore} (a snapshot table that keeps a number of days).
   */
  public long replaceDates(
      TableSpec table,
      Dataset<Row> rows,
      Collection<LocalDate> dates,
      Optional<LocalDate> dropBefore) {
    expect(table, WriteMode.DATES_REPLACED);
    if (dates.isEmpty()) {
      throw new IllegalArgumentException(
          "replaceDates on " + table.name() + " needs at least one date");
    }
    String column = table.partitionColumn().orElseThrow();
    String where = datesPredicate(column, dates);
    if (dropBefore.isPresent()) {
      where = "(" + where + ") OR " + column + " < " + dateLiteral(dropBefore.get());
    }
    boolean append =
        dropBefore.isEmpty()
            && exists(table.name())
            && !holdsRows(table.name(), datesPredicate(column, dates));
    return write(table, rows, where, append);
  }

  /**
   * Replaces the rows that the input day {@code date} brought to a table written by {@link
   * WriteMode#ROWS_OF_RUN_REPLACED} (its run-date column = {@code date}) in one commit. For a table
   * partitioned by a date column, {@code partitionsFrom} bounds where those rows can be (the run's
   * rows lie in partitions {@code partitionsFrom .. date}), so Delta reads only those partitions.
   */
  public long replaceRunDate(
      TableSpec table, Dataset<Row> rows, LocalDate date, Optional<LocalDate> partitionsFrom) {
    expect(table, WriteMode.ROWS_OF_RUN_REPLACED);
    String where = table.runDateColumn().orElseThrow() + " = " + dateLiteral(date);
    if (table.partitionColumn().isPresent() && partitionsFrom.isPresent()) {
      String p = table.partitionColumn().get();
      where =
          p
              + " >= "
              + dateLiteral(partitionsFrom.get())
              + " AND "
              + p
              + " <= "
              + dateLiteral(date)
              + " AND "
              + where;
    }
    return write(table, rows, where, false);
  }

  /**
   * Replaces the open rows (partition column null) and those whose partition date is {@code date}
   * or later in one commit, a table written by {@link WriteMode#OPEN_AND_LATER_REPLACED}: Delta
   * rewrites only those partitions. Every row of {@code rows} must be open or end on {@code date}
   * or later.
   */
  public long replaceOpenAndLater(TableSpec table, Dataset<Row> rows, LocalDate date) {
    expect(table, WriteMode.OPEN_AND_LATER_REPLACED);
    String p = table.partitionColumn().orElseThrow();
    return write(table, rows, p + " IS NULL OR " + p + " >= " + dateLiteral(date), false);
  }

  /**
   * Replaces one segment's rows (column {@code segment_id}) of the given dates (every date when
   * empty) in one commit, leaving the other segments' rows as they are: a date-partitioned table
   * ({@link WriteMode#DATES_REPLACED}) or the membership periods ({@link
   * WriteMode#OPEN_AND_LATER_REPLACED}). Delta rewrites the files of those dates that hold the
   * segment's rows.
   */
  public long replaceSegmentRows(
      TableSpec table, Dataset<Row> rows, String segmentId, Collection<LocalDate> dates) {
    if (table.writeMode() != WriteMode.DATES_REPLACED
        && table.writeMode() != WriteMode.OPEN_AND_LATER_REPLACED) {
      throw new IllegalArgumentException(
          "Table " + table.name() + " is written as " + table.writeMode() + ", not by segment");
    }
    if (!segmentId.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException("Not a segment id: " + segmentId);
    }
    String where = "segment_id = '" + segmentId + "'";
    if (!dates.isEmpty()) {
      where = datesPredicate(table.partitionColumn().orElseThrow(), dates) + " AND " + where;
    }
    return write(table, rows, where, false);
  }

  /** Replaces the whole table in one commit, a table written by {@link WriteMode#WHOLE_TABLE}. */
  public long overwrite(TableSpec table, Dataset<Row> rows) {
    expect(table, WriteMode.WHOLE_TABLE);
    return write(table, rows, null, false);
  }

  /** Appends the rows in one commit, a table written by {@link WriteMode#APPEND}. */
  public long append(TableSpec table, Dataset<Row> rows) {
    expect(table, WriteMode.APPEND);
    // Created by the first run ("true": not a whole-table overwrite), appended to by the others.
    return write(table, rows, "true", exists(table.name()));
  }

  /**
   * Updates the rows whose key matches a row of {@code rows} and inserts the others, in one commit
   * (a Delta merge on the spec's key), a table written by {@link WriteMode#KEYED_MERGE}. Returns
   * the rows merged.
   */
  public long merge(TableSpec table, Dataset<Row> rows) {
    expect(table, WriteMode.KEYED_MERGE);
    if (!exists(table.name())) {
      return write(table, rows, "true", false);
    }
    long start = System.nanoTime();
    table.check(rows.schema());
    Dataset<Row> source = table.withComments(rows).cache();
    try {
      long count = source.count();
      String on =
          table.key().stream()
              .map(k -> "t.`" + k + "` = s.`" + k + "`")
              .collect(Collectors.joining(" AND "));
      DeltaTable.forPath(spark, path(table.name()))
          .as("t")
          .merge(source.as("s"), on)
          .whenMatched()
          .updateAll()
          .whenNotMatched()
          .insertAll()
          .execute();
      written.merge(table.name(), count, Long::sum);
      LOG.info(
          "Merged {} rows into {} (key {}) in {} ms",
          count,
          table.name(),
          table.key(),
          (System.nanoTime() - start) / 1_000_000);
      return count;
    } finally {
      source.unpersist();
    }
  }

  private static void expect(TableSpec table, WriteMode mode) {
    if (table.writeMode() != mode) {
      throw new IllegalArgumentException(
          "Table " + table.name() + " is written as " + table.writeMode() + ", not " + mode);
    }
  }

  private static String datesPredicate(String column, Collection<LocalDate> dates) {
    return dates.size() == 1
        ? column + " = " + dateLiteral(dates.iterator().next())
        : column
            + " IN ("
            + dates.stream().sorted().map(Warehouse::dateLiteral).collect(Collectors.joining(", "))
            + ")";
  }

  /**
   * Whether the table's current version has a row matching a predicate on its partition column:
   * Delta answers the count from its log (partition values and per-file row counts), reading no
   * data file.
   */
  private boolean holdsRows(String table, String partitionPredicate) {
    return spark.read().format("delta").load(path(table)).where(partitionPredicate).count() > 0;
  }

  /**
   * One commit: created (partitioned as the spec says), appended, replaced where {@code
   * replaceWhere} (null: the whole table). The frame is checked against the spec first; the rows
   * written are counted by the write itself (an observed metric), not read back from the log.
   */
  private long write(TableSpec table, Dataset<Row> rows, String replaceWhere, boolean append) {
    long start = System.nanoTime();
    table.check(rows.schema());
    Observation observed =
        new Observation("rows written to " + table.name() + " " + System.nanoTime());
    Dataset<Row> counted = table.withComments(rows).observe(observed, count(lit(1)).as("rows"));
    var writer = counted.write().format("delta");
    String how;
    if (replaceWhere == null) {
      writer.mode("overwrite").option("overwriteSchema", "true").save(path(table.name()));
      how = "whole table";
    } else if (append) {
      // A trait column added to the config adds a column; older rows read it as null.
      writer.mode("append").option("mergeSchema", "true").save(path(table.name()));
      how = "appended, new dates";
    } else if (exists(table.name())) {
      writer
          .mode("overwrite")
          .option("replaceWhere", replaceWhere)
          .option("mergeSchema", "true")
          .save(path(table.name()));
      how = "replaced";
    } else {
      writer
          .mode("overwrite")
          .partitionBy(table.partitionColumn().stream().toArray(String[]::new))
          .save(path(table.name()));
      how = "created";
    }
    known.add(table.name());
    long count = rowsOf(observed, table.name());
    written.merge(table.name(), count, Long::sum);
    register(table);
    LOG.info(
        "Wrote {} rows to {} ({}; {}) in {} ms",
        count,
        table.name(),
        replaceWhere == null ? "all rows" : replaceWhere,
        how,
        (System.nanoTime() - start) / 1_000_000);
    return count;
  }

  /** Rows written per table since the last call (what one stage wrote, for its result). */
  public java.util.Map<String, Long> takeWritten() {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    for (String table : List.copyOf(written.keySet())) {
      Long n = written.remove(table);
      if (n != null) {
        out.put(table, n);
      }
    }
    return out;
  }

  /**
   * The observed row count of a write that has finished (its metrics arrive through Spark's
   * listener bus just after the job's end). {@code getAsJava} is the same on every Spark line we
   * build for; it blocks, so it is waited for with a limit.
   */
  private static long rowsOf(Observation observed, String table) {
    java.util.concurrent.CompletableFuture<java.util.Map<String, Object>> metrics =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return observed.getAsJava();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
              }
            });
    try {
      return ((Number) metrics.get(2, TimeUnit.MINUTES).get("rows")).longValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while counting the rows written to " + table, e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(
          "The write to " + table + " committed but reported no row count", e);
    }
  }

  private void register(TableSpec spec) {
    String table = spec.name();
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
    spark.sql(
        "CREATE TABLE IF NOT EXISTS " + name + " USING DELTA LOCATION " + sqlString(path(table)));
    spark.sql("COMMENT ON TABLE " + name + " IS " + sqlString(spec.comment()));
  }

  /**
   * Runs independent table writes side by side (Spark runs jobs from several driver threads
   * concurrently): on small tables a write is mostly fixed commit cost, which then overlaps. Each
   * write is still its own atomic commit; if one fails, the first failure is thrown after all have
   * finished (a rerun of the date replaces whatever did commit).
   */
  public void writeConcurrently(List<Runnable> writes) {
    if (writes.size() == 1) {
      writes.get(0).run();
      return;
    }
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(Math.min(writes.size(), writeThreads));
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
            failure =
                e.getCause() instanceof RuntimeException re
                    ? re
                    : new IllegalStateException(e.getCause());
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
