package dev.segments.jobs.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.common.tables.TableCatalog;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What a destination answered, written down batch by batch before the next batch goes out: one
 * small NDJSON file per batch under {@code <warehouse>/_export_journal/<destination>/} (written
 * under a temporary name, then renamed), each line an {@code export_state} row. The end of a sync
 * merges the journal into export_state in one commit and deletes it; a run killed before that
 * leaves its files, and the next run merges them first, so nothing acknowledged is sent again.
 */
final class AckJournal {
  private final SparkSession spark;
  private final Path dir;
  private final FileSystem fs;
  private final String runId;
  private final AtomicLong seq = new AtomicLong();

  AckJournal(SparkSession spark, String warehouseRoot, String destination, String runId) {
    this.spark = spark;
    this.dir = new Path(new Path(warehouseRoot, "_export_journal"), destination);
    this.runId = runId;
    try {
      this.fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The state schema plus the order its lines were written in (the latest line per key wins). */
  static StructType schema() {
    return TableCatalog.EXPORT_STATE.schema().add("journal_seq", DataTypes.LongType);
  }

  /** Writes one batch's rows; returns once they are durable under their final name. */
  void write(List<ObjectNode> rows) {
    if (rows.isEmpty()) {
      return;
    }
    long n = seq.incrementAndGet();
    // Zero-padded so that file names sort in write order; the run id orders runs.
    String name = runId + "-" + String.format("%09d", n) + ".json";
    Path tmp = new Path(dir, "_tmp-" + name);
    Path done = new Path(dir, name);
    long order = System.currentTimeMillis() * 1_000_000L + n;
    try {
      fs.mkdirs(dir);
      try (OutputStream out = fs.create(tmp, true)) {
        StringBuilder text = new StringBuilder();
        for (ObjectNode row : rows) {
          row.put("journal_seq", order);
          text.append(row.toString()).append('\n');
        }
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
      }
      if (!fs.rename(tmp, done)) {
        throw new IOException("cannot rename " + tmp + " to " + done);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the export journal " + done, e);
    }
  }

  /** The finished journal files (a temporary one is a write cut short: never acknowledged). */
  List<Path> files() {
    List<Path> files = new ArrayList<>();
    try {
      if (!fs.exists(dir)) {
        return files;
      }
      for (FileStatus s : fs.listStatus(dir)) {
        String n = s.getPath().getName();
        if (n.endsWith(".json") && !n.startsWith("_tmp-")) {
          files.add(s.getPath());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /** The journal's rows, the latest per key, as export_state rows; empty if there is none. */
  Dataset<Row> latest(List<Path> files) {
    Dataset<Row> rows =
        spark
            .read()
            .schema(schema())
            .json(files.stream().map(Path::toString).toArray(String[]::new));
    Column[] key =
        TableCatalog.EXPORT_STATE.key().stream()
            .map(org.apache.spark.sql.functions::col)
            .toArray(Column[]::new);
    return rows.withColumn(
            "__n", row_number().over(Window.partitionBy(key).orderBy(col("journal_seq").desc())))
        .where(col("__n").equalTo(1))
        .select(
            TableCatalog.EXPORT_STATE.columns().stream()
                .map(c -> col(c.name()))
                .toArray(Column[]::new));
  }

  /** Deletes journal files once export_state holds them. */
  void delete(List<Path> files) {
    try {
      for (Path p : files) {
        fs.delete(p, false);
      }
      for (FileStatus s : fs.exists(dir) ? fs.listStatus(dir) : new FileStatus[0]) {
        if (s.getPath().getName().startsWith("_tmp-")) {
          fs.delete(s.getPath(), false);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An export_state row as a journal line. */
  static ObjectNode row(
      String destination,
      String entity,
      String entityId,
      String key,
      String hash,
      List<String> segments,
      String remoteId,
      String status,
      int attempts,
      String error,
      String runId,
      Timestamp acknowledgedAt,
      LocalDate date) {
    ObjectNode o = HttpApi.JSON.createObjectNode();
    o.put("destination", destination).put("entity", entity).put("entity_id", entityId);
    o.put("key", key).put("hash", hash);
    ArrayNode s = o.putArray("segments");
    segments.forEach(s::add);
    o.put("remote_id", remoteId).put("status", status).put("attempts", attempts);
    o.put("last_error", error).put("last_run_id", runId);
    o.put("acknowledged_at", acknowledgedAt == null ? null : acknowledgedAt.toInstant().toString());
    o.put("as_of_date", date.toString());
    return o;
  }
}
