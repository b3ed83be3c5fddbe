package dev.segments.jobs.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.common.config.ExportSettings.Destination;
import dev.segments.common.config.Settings;
import dev.segments.common.segments.SegmentDefinition;
import dev.segments.common.segments.SegmentDefinition.Entity;
import dev.segments.common.tables.TableNames;
import dev.segments.common.tables.Warehouse;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The files destination: per segment and date, {@code members}, {@code adds} and {@code removes}
 * (the day's entries and exits, from segment_changes) as CSV and / or NDJSON, under {@code
 * <path>/<segment id>/as_of_date=<D>/}. Each file is written under a temporary name and renamed, so
 * a reader sees a whole file or none; the names depend only on segment and date, so a rerun
 * replaces them with the same content.
 */
final class FileExport {
  private final SparkSession spark;
  private final Warehouse warehouse;
  private final Destination d;
  private final boolean dryRun;
  private final ExportRecords records;

  FileExport(
      SparkSession spark, Warehouse warehouse, Settings settings, Destination d, boolean dryRun) {
    this.spark = spark;
    this.warehouse = warehouse;
    this.d = d;
    this.dryRun = dryRun;
    this.records = new ExportRecords(warehouse, settings);
  }

  ExportJob.Outcome write(
      LocalDate date, List<SegmentDefinition> definitions, Instant started, long t0) {
    List<String> lines = new ArrayList<>();
    long rows = 0;
    long files = 0;
    Date day = Date.valueOf(date);
    List<String> formats = List.of(d.option("formats").split(","));
    for (Entity entity : d.entities()) {
      List<String> segments = ExportJob.selected(d, entity, definitions);
      if (segments.isEmpty()) {
        continue;
      }
      Dataset<Row> current = records.current(d, entity, segments, date).cache();
      Dataset<Row> changes =
          warehouse
              .read(TableNames.SEGMENT_CHANGES)
              .where(
                  col("as_of_date")
                      .equalTo(lit(day))
                      .and(col("entity").equalTo(entity.key))
                      .and(col("segment_id").isin(segments.toArray())))
              .cache();
      List<String> fields = records.fields(d, entity);
      try {
        for (String segment : segments) {
          Path dir = new Path(new Path(d.option("path"), segment), "as_of_date=" + date);
          List<Column> cols = new ArrayList<>();
          cols.add(col("entity_id").as(entity.idColumn()));
          if (!d.idColumn(entity).equals(entity.idColumn())) {
            cols.add(col("key").as(d.idColumn(entity)));
          }
          fields.forEach(f -> cols.add(col("values." + f).as(f)));
          Dataset<Row> members =
              current
                  .where(org.apache.spark.sql.functions.array_contains(col("segments"), segment))
                  .select(cols.toArray(Column[]::new))
                  .orderBy(entity.idColumn());
          Dataset<Row> adds =
              changes
                  .where(col("segment_id").equalTo(segment).and(col("change").equalTo("entered")))
                  .select(col("entity_id").as(entity.idColumn()))
                  .join(members, entity.idColumn())
                  .orderBy(entity.idColumn());
          Dataset<Row> removes =
              changes
                  .where(col("segment_id").equalTo(segment).and(col("change").equalTo("exited")))
                  .select(col("entity_id").as(entity.idColumn()))
                  .orderBy(entity.idColumn());
          long[] n = {0, 0, 0};
          for (String format : formats) {
            n[0] = write(members, dir, "members", format);
            n[1] = write(adds, dir, "adds", format);
            n[2] = write(removes, dir, "removes", format);
            files += 3;
          }
          rows += n[0] + n[1] + n[2];
          lines.add(
              d.name()
                  + " "
                  + segment
                  + ": "
                  + n[0]
                  + " members, "
                  + n[1]
                  + " adds, "
                  + n[2]
                  + " removes"
                  + (dryRun ? " (not written)" : " in " + dir));
        }
      } finally {
        current.unpersist();
        changes.unpersist();
      }
    }
    String status = dryRun ? "dry_run" : "ok";
    lines.add(
        d.name()
            + ": "
            + status
            + ", "
            + files
            + " files"
            + (dryRun ? " would be written" : " written"));
    return new ExportJob.Outcome(
        d,
        started,
        (System.nanoTime() - t0) / 1_000_000,
        rows,
        rows,
        0,
        0,
        dryRun ? 0 : files,
        status,
        Optional.empty(),
        lines);
  }

  /** Writes one file atomically (temporary name, then rename); returns its rows. */
  private long write(Dataset<Row> rows, Path dir, String name, String format) {
    if (dryRun) {
      return rows.count();
    }
    Path target = new Path(dir, name + "." + format);
    Path tmp = new Path(dir, "_tmp-" + name + "." + format + "-" + System.nanoTime());
    long n = 0;
    try {
      FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      fs.mkdirs(dir);
      String[] columns = rows.columns();
      try (Writer out = new OutputStreamWriter(fs.create(tmp, true), StandardCharsets.UTF_8)) {
        if (format.equals("csv")) {
          out.write(String.join(",", List.of(columns).stream().map(FileExport::csv).toList()));
          out.write("\n");
        }
        Iterator<Row> it = rows.toLocalIterator();
        while (it.hasNext()) {
          Row r = it.next();
          n++;
          if (format.equals("csv")) {
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < columns.length; i++) {
              cells.add(csv(r.isNullAt(i) ? "" : Values.text(value(r, i))));
            }
            out.write(String.join(",", cells));
          } else {
            ObjectNode o = HttpApi.JSON.createObjectNode();
            for (int i = 0; i < columns.length; i++) {
              o.putPOJO(columns[i], r.isNullAt(i) ? null : Values.json(value(r, i)));
            }
            out.write(o.toString());
          }
          out.write("\n");
        }
      }
      if (fs.exists(target)) {
        fs.delete(target, false);
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("cannot rename " + tmp + " to " + target);
      }
      // A run killed while writing this file left its temporary file (and, on a local disk, its
      // checksum): the file is now whole, so they go.
      FileStatus[] leftovers = fs.globStatus(new Path(dir, "_tmp-" + name + "." + format + "-*"));
      for (FileStatus f : leftovers == null ? new FileStatus[0] : leftovers) {
        fs.delete(f.getPath(), false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
    return n;
  }

  private static Object value(Row r, int i) {
    Object v = r.get(i);
    if (v instanceof scala.collection.Seq<?>) {
      return r.getList(i);
    }
    if (v instanceof scala.collection.Map<?, ?>) {
      return new java.util.TreeMap<>(r.getJavaMap(i)).toString();
    }
    return v;
  }

  /** RFC 4180: quoted when it holds a comma, a quote or a line break. */
  static String csv(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }
}
