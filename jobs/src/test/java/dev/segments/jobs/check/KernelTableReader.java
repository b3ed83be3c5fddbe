package dev.segments.jobs.check;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads a whole Delta table with the Delta kernel and its default engine (Parquet through
 * parquet-hadoop; no Spark), the way a non-Spark reader such as a BI connector does. Values come
 * out as plain Java: strings, Integer / Long / Double / Boolean, dates as LocalDate, timestamps as
 * microseconds since the epoch (Long), maps as TreeMaps, arrays as Lists.
 */
final class KernelTableReader {
  private final Engine engine = DefaultEngine.create(new Configuration());

  /** The table's column names (logical schema) and rows. */
  record Contents(List<String> columns, List<List<Object>> rows) {}

  Contents read(String path) {
    try {
      Snapshot snapshot = Table.forPath(engine, path).getLatestSnapshot(engine);
      StructType schema = snapshot.getSchema();
      Scan scan = snapshot.getScanBuilder().build();
      Row scanState = scan.getScanState(engine);
      StructType physical = ScanStateRow.getPhysicalDataReadSchema(scanState);
      List<List<Object>> rows = new ArrayList<>();
      try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
        while (files.hasNext()) {
          try (CloseableIterator<Row> fileRows = files.next().getRows()) {
            while (fileRows.hasNext()) {
              Row fileRow = fileRows.next();
              FileStatus file = InternalScanFileUtils.getAddFileStatus(fileRow);
              CloseableIterator<ColumnarBatch> data =
                  engine
                      .getParquetHandler()
                      .readParquetFiles(
                          Utils.singletonCloseableIterator(file), physical, Optional.empty())
                      .map(FileReadResult::getData);
              // Adds the partition columns from the log and drops deleted rows.
              try (CloseableIterator<FilteredColumnarBatch> logical =
                  Scan.transformPhysicalData(engine, scanState, fileRow, data)) {
                while (logical.hasNext()) {
                  try (CloseableIterator<Row> it = logical.next().getRows()) {
                    while (it.hasNext()) {
                      rows.add(values(it.next(), schema));
                    }
                  }
                }
              }
            }
          }
        }
      }
      return new Contents(schema.fieldNames(), rows);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Object> values(Row row, StructType schema) {
    List<Object> out = new ArrayList<>(schema.length());
    for (int i = 0; i < schema.length(); i++) {
      out.add(row.isNullAt(i) ? null : value(row, i, schema.at(i).getDataType()));
    }
    return out;
  }

  private static Object value(Row row, int i, DataType type) {
    if (type instanceof StringType) {
      return row.getString(i);
    } else if (type instanceof LongType) {
      return row.getLong(i);
    } else if (type instanceof IntegerType) {
      return row.getInt(i);
    } else if (type instanceof DoubleType) {
      return row.getDouble(i);
    } else if (type instanceof BooleanType) {
      return row.getBoolean(i);
    } else if (type instanceof DateType) {
      return LocalDate.ofEpochDay(row.getInt(i));
    } else if (type instanceof TimestampType) {
      return row.getLong(i);
    } else if (type instanceof MapType m) {
      return map(row.getMap(i), m);
    } else if (type instanceof ArrayType a) {
      return array(row.getArray(i), a);
    } else if (type instanceof StructType s) {
      return values(row.getStruct(i), s);
    }
    throw new IllegalArgumentException("type not handled by the reader check: " + type);
  }

  private static Object element(ColumnVector v, int i, DataType type) {
    if (v.isNullAt(i)) {
      return null;
    } else if (type instanceof StringType) {
      return v.getString(i);
    } else if (type instanceof LongType) {
      return v.getLong(i);
    } else if (type instanceof IntegerType) {
      return v.getInt(i);
    } else if (type instanceof DoubleType) {
      return v.getDouble(i);
    } else if (type instanceof BooleanType) {
      return v.getBoolean(i);
    } else if (type instanceof DateType) {
      return LocalDate.ofEpochDay(v.getInt(i));
    } else if (type instanceof TimestampType) {
      return v.getLong(i);
    } else if (type instanceof MapType m) {
      return map(v.getMap(i), m);
    } else if (type instanceof ArrayType a) {
      return array(v.getArray(i), a);
    }
    throw new IllegalArgumentException("element type not handled by the reader check: " + type);
  }

  private static TreeMap<Object, Object> map(MapValue m, MapType type) {
    TreeMap<Object, Object> out = new TreeMap<>();
    for (int i = 0; i < m.getSize(); i++) {
      out.put(
          element(m.getKeys(), i, type.getKeyType()),
          element(m.getValues(), i, type.getValueType()));
    }
    return out;
  }

  private static List<Object> array(ArrayValue a, ArrayType type) {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < a.getSize(); i++) {
      out.add(element(a.getElements(), i, type.getElementType()));
    }
    return out;
  }
}
