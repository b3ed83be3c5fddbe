package dev.segments.common.testing;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import dev.segments.common.spark.SparkSessions;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The one Spark session of a test JVM (local[2], UI off, 2 shuffle partitions, Delta enabled),
 * created through spark-testing-base so its DataFrame assertions run on the same session.
 *
 * <p>spark-testing-base is JUnit 4 style; we call its {@code runBefore()} once from here instead of
 * using the vintage engine, and never stop the session (the JVM's exit does).
 */
public final class SparkTestSupport {

  private static Base base;

  private SparkTestSupport() {}

  /** spark-testing-base's suite base with our session settings. */
  private static final class Base extends JavaDataFrameSuiteBase {
    private static final long serialVersionUID = 1L;

    @Override
    public SparkConf conf() {
      SparkConf conf =
          new SparkConf()
              .setMaster("local[2]")
              .setAppName("segments-tests")
              .set("spark.ui.enabled", "false")
              .set("spark.sql.shuffle.partitions", "2")
              .set("spark.default.parallelism", "2")
              .set("spark.databricks.delta.snapshotPartitions", "1")
              .set("spark.sql.adaptive.enabled", "false")
              // Tiny inputs: compiling generated code costs more than interpreting a few rows.
              .set("spark.sql.codegen.wholeStage", "false")
              .set("spark.sql.codegen.factoryMode", "NO_CODEGEN")
              .set("spark.driver.host", "127.0.0.1")
              .set("spark.driver.bindAddress", "127.0.0.1")
              .set("spark.sql.warehouse.dir", localWarehousePath());
      SparkSessions.REQUIRED.forEach(conf::set);
      return conf;
    }

    @Override
    public boolean enableHiveSupport() {
      return false;
    }
  }

  private static synchronized Base base() {
    if (base == null) {
      Base b = new Base();
      b.runBefore();
      base = b;
    }
    return base;
  }

  public static SparkSession spark() {
    return base().spark();
  }

  /**
   * Same rows (as multisets) and the same schema; on failure shows the differing rows. Map columns
   * are compared as their sorted entries (Spark cannot compare maps in set operations).
   */
  public static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual) {
    base().assertDataFrameNoOrderEquals(comparable(expected), comparable(actual));
  }

  /**
   * Top-level map columns as sorted arrays of entries, so rows can be compared and sorted; column
   * metadata (the catalog's comments on written tables) left out, since rows are compared.
   */
  public static Dataset<Row> comparable(Dataset<Row> rows) {
    return withoutMetadata(dev.segments.common.tables.TableRows.comparable(rows));
  }

  private static Dataset<Row> withoutMetadata(Dataset<Row> rows) {
    return rows.select(
        java.util.Arrays.stream(rows.schema().fieldNames())
            .map(n -> rows.col("`" + n + "`").as(n, org.apache.spark.sql.types.Metadata.empty()))
            .toArray(org.apache.spark.sql.Column[]::new));
  }

  /** Same rows in the same order and the same schema (column metadata left out). */
  public static void assertSameOrderedRows(Dataset<Row> expected, Dataset<Row> actual) {
    base().assertDataFrameEquals(withoutMetadata(expected), withoutMetadata(actual));
  }
}
