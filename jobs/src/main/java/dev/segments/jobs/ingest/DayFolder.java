package dev.segments.jobs.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkThrowable;

/**
 * What one day's input folder holds, from one listing of that folder alone (never recursive: on an
 * object store a recursive listing of a large tree costs a request per page of every sub-folder).
 * Names starting with {@code _} or {@code .} ({@code _SUCCESS}, checksum files) are skipped, as
 * Spark skips them.
 *
 * @param files the files to read, with their full paths
 * @param emptyFiles zero-byte files: no lines, so not read (a zero-byte gzip is not valid gzip)
 * @param folders sub-folders: quarantined as {@code not_a_file}, their files are not read
 */
record DayFolder(List<String> files, List<String> emptyFiles, List<String> folders) {

  static DayFolder list(FileSystem fs, Path folder) throws IOException {
    List<String> files = new ArrayList<>();
    List<String> empty = new ArrayList<>();
    List<String> folders = new ArrayList<>();
    for (FileStatus s : fs.listStatus(folder)) {
      String name = s.getPath().getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        continue;
      }
      String path = s.getPath().toString();
      if (s.isDirectory()) {
        folders.add(path);
      } else if (s.getLen() == 0) {
        empty.add(path);
      } else {
        files.add(path);
      }
    }
    files.sort(null);
    empty.sort(null);
    folders.sort(null);
    return new DayFolder(files, empty, folders);
  }

  /** Whether reading the folder as a whole reads exactly {@link #files}. */
  boolean readableAsAWhole() {
    return emptyFiles.isEmpty() && folders.isEmpty();
  }

  /**
   * The file a failed read names, when Spark failed because that file could not be read (condition
   * {@code FAILED_READ_FILE.*} or {@code CANNOT_READ_FILE_FOOTER}, found anywhere in the causes):
   * the path as Spark gives it.
   */
  static Optional<String> unreadableFile(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SparkThrowable st && st.getMessageParameters() != null) {
        String message = String.valueOf(t.getMessage());
        Map<String, String> parameters = st.getMessageParameters();
        String path = parameters.get("path");
        if (path == null) {
          path = parameters.get("file");
        }
        if (path != null
            && (message.contains("FAILED_READ_FILE")
                || message.contains("CANNOT_READ_FILE_FOOTER"))) {
          return Optional.of(path);
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return Optional.empty();
  }

  /** The file of {@link #files} that {@code sparkPath} names (Spark may escape or re-root it). */
  Optional<String> find(String sparkPath) {
    Path wanted = new Path(sparkPath);
    String name = wanted.getName();
    return files.stream()
        .filter(f -> new Path(f).getName().equals(name) || f.equals(sparkPath))
        .findFirst();
  }
}
