package dev.segments.jobs.check;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.segments.common.UserError;
import dev.segments.common.tables.TableNames;
import dev.segments.common.tables.TableRows;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Compares two warehouses table by table, row for row: the same Delta tables on both sides, each
 * with the same columns (names and types) and the same multiset of rows. Used to show that two ways
 * of computing the same dates (a cluster and a local run, an incremental run and a full recompute)
 * give identical tables.
 */
public final class WarehouseComparison {

  /** One table's outcome; {@code difference} is empty when the two sides are identical. */
  public record TableResult(
      String table,
      long leftRows,
      long rightRows,
      long onlyLeft,
      long onlyRight,
      String difference) {
    public boolean same() {
      return difference.isEmpty();
    }
  }

  /** Occurrence counts per side; names no table of ours uses. */
  private static final String LEFT = "__occurrences_left";

  private static final String RIGHT = "__occurrences_right";

  private final SparkSession spark;
  private final java.util.Optional<java.time.LocalDate> asOf;
  private final List<String> excluded;
  private final int threads;

  public WarehouseComparison(SparkSession spark) {
    this(spark, java.util.Optional.empty(), List.of(), 4);
  }

  /**
   * @param asOf compare only this date's rows of tables with an {@code as_of_date} column (the
   *     snapshot tables), e.g. when one side also holds earlier snapshots
   * @param excluded tables left out: exact names, or a prefix ending in {@code *}; or columns left
   *     out of one table's comparison, as {@code table.column} (e.g. a column that records when a
   *     row was first written, which differs by construction between two ways of computing it)
   */
  public WarehouseComparison(
      SparkSession spark,
      java.util.Optional<java.time.LocalDate> asOf,
      List<String> excluded,
      int threads) {
    this.threads = threads;
    this.spark = spark;
    this.asOf = asOf;
    this.excluded = excluded;
  }

  /**
   * Run logs: their rows name runs, hosts and times, which differ between any two runs by nature
   * (and export_runs what each sync sent: after an interrupted sync the rerun sends only what was
   * not acknowledged); never compared.
   */
  public static final List<String> RUN_LOGS =
      List.of(TableNames.PIPELINE_RUNS, TableNames.EXPORT_RUNS);

  private boolean isExcluded(String table) {
    if (RUN_LOGS.contains(table)) {
      return true;
    }
    return excluded.stream()
        .filter(e -> !e.contains("."))
        .anyMatch(
            e ->
                e.endsWith("*")
                    ? table.startsWith(e.substring(0, e.length() - 1))
                    : table.equals(e));
  }

  /** The columns of {@code table} left out of its comparison ({@code table.column} exclusions). */
  private List<String> excludedColumns(String table) {
    return excluded.stream()
        .filter(e -> e.startsWith(table + "."))
        .map(e -> e.substring(table.length() + 1))
        .toList();
  }

  /** The Delta tables (folders holding a {@code _delta_log}) directly under a local root. */
  public static List<String> tables(Path root) {
    if (!Files.isDirectory(root)) {
      throw new UserError("Not a folder: " + root);
    }
    try (Stream<Path> children = Files.list(root)) {
      return children
          .filter(p -> Files.isDirectory(p.resolve("_delta_log")))
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every table of either side, in name order. */
  public List<TableResult> compare(Path left, Path right) {
    TreeSet<String> names = new TreeSet<>(tables(left));
    names.addAll(tables(right));
    names.removeIf(this::isExcluded);
    // Tables side by side: on small tables a comparison is mostly fixed cost per query, and the
    // cores sit idle while one table's few queries are planned.
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            runnable -> {
              Thread thread = new Thread(runnable, "compare");
              thread.setDaemon(true);
              return thread;
            });
    try {
      List<Future<TableResult>> pending = new ArrayList<>();
      for (String table : names) {
        pending.add(
            pool.submit(() -> compareTable(table, left.resolve(table), right.resolve(table))));
      }
      List<TableResult> results = new ArrayList<>();
      for (Future<TableResult> f : pending) {
        results.add(f.get());
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Comparison interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  TableResult compareTable(String table, Path left, Path right) {
    boolean hasLeft = Files.isDirectory(left.resolve("_delta_log"));
    boolean hasRight = Files.isDirectory(right.resolve("_delta_log"));
    if (!hasLeft || !hasRight) {
      Dataset<Row> present = read(hasLeft ? left : right);
      long rows = present.count();
      return new TableResult(
          table,
          hasLeft ? rows : -1,
          hasRight ? rows : -1,
          0,
          0,
          "only in the " + (hasLeft ? "left" : "right") + " warehouse");
    }
    Dataset<Row> wholeLeft = read(left);
    Dataset<Row> wholeRight = read(right);
    List<String> dropped = excludedColumns(table);
    List<String> unknown =
        dropped.stream()
            .filter(
                c ->
                    !wholeLeft.schema().getFieldIndex(c).isDefined()
                        && !wholeRight.schema().getFieldIndex(c).isDefined())
            .toList();
    if (!unknown.isEmpty()) {
      return new TableResult(
          table,
          wholeLeft.count(),
          wholeRight.count(),
          0,
          0,
          "excluded columns not in the table: " + String.join(", ", unknown));
    }
    String[] droppedNames = dropped.toArray(String[]::new);
    Dataset<Row> l = wholeLeft.drop(droppedNames);
    Dataset<Row> r = wholeRight.drop(droppedNames);
    String schemaDifference = schemaDifference(l.schema(), r.schema());
    if (!schemaDifference.isEmpty()) {
      return new TableResult(table, l.count(), r.count(), 0, 0, schemaDifference);
    }
    // One query: every distinct row with how often it occurs on each side. A row occurring n times
    // on the left and m times on the right is max(n - m, 0) rows only on the left and max(m - n,
    // 0) only on the right (the counts of exceptAll). Same column order on both sides, maps as
    // sorted entry arrays (grouping does not take maps).
    Dataset<Row> lc = TableRows.comparable(l);
    Dataset<Row> rc = TableRows.comparable(r.select(names(l.schema())));
    Column[] rowColumns = names(lc.schema());
    Dataset<Row> occurrences =
        lc.withColumn(LEFT, lit(1L))
            .withColumn(RIGHT, lit(0L))
            .union(rc.withColumn(LEFT, lit(0L)).withColumn(RIGHT, lit(1L)))
            .groupBy(rowColumns)
            .agg(sum(col(LEFT)).as(LEFT), sum(col(RIGHT)).as(RIGHT));
    Row totals =
        occurrences
            .agg(
                coalesce(sum(col(LEFT)), lit(0L)).as("left_rows"),
                coalesce(sum(col(RIGHT)), lit(0L)).as("right_rows"),
                coalesce(sum(greatest(col(LEFT).minus(col(RIGHT)), lit(0L))), lit(0L))
                    .as("only_left"),
                coalesce(sum(greatest(col(RIGHT).minus(col(LEFT)), lit(0L))), lit(0L))
                    .as("only_right"))
            .first();
    long leftRows = totals.getAs("left_rows");
    long rightRows = totals.getAs("right_rows");
    long onlyLeft = totals.getAs("only_left");
    long onlyRight = totals.getAs("only_right");
    String difference =
        onlyLeft == 0 && onlyRight == 0
            ? ""
            : onlyLeft + " rows only on the left, " + onlyRight + " only on the right";
    return new TableResult(table, leftRows, rightRows, onlyLeft, onlyRight, difference);
  }

  private Dataset<Row> read(Path table) {
    Dataset<Row> rows = spark.read().format("delta").load(table.toAbsolutePath().toString());
    if (asOf.isPresent() && java.util.Arrays.asList(rows.columns()).contains("as_of_date")) {
      rows = rows.where(col("as_of_date").equalTo(lit(java.sql.Date.valueOf(asOf.get()))));
    }
    return rows;
  }

  private static Column[] names(StructType schema) {
    return java.util.Arrays.stream(schema.fieldNames())
        .map(n -> col("`" + n + "`"))
        .toArray(Column[]::new);
  }

  /** Columns by name and type, in any order (nullability aside). */
  static String schemaDifference(StructType left, StructType right) {
    List<String> problems = new ArrayList<>();
    for (StructField f : left.fields()) {
      if (!right.getFieldIndex(f.name()).isDefined()) {
        problems.add("column " + f.name() + " only on the left");
      } else if (!right.apply(f.name()).dataType().sameType(f.dataType())) {
        problems.add(
            "column "
                + f.name()
                + ": "
                + f.dataType().simpleString()
                + " vs "
                + right.apply(f.name()).dataType().simpleString());
      }
    }
    for (StructField f : right.fields()) {
      if (!left.getFieldIndex(f.name()).isDefined()) {
        problems.add("column " + f.name() + " only on the right");
      }
    }
    return String.join("; ", problems);
  }
}
