package dev.segments.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segments.common.tables.Warehouse;
import dev.segments.common.testing.SparkTestSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Runs the real CLI against a test warehouse and input folder. */
public final class TestRuns {
  /** The catalog's tables that a run writes when no export destination is configured. */
  public static final List<String> WRITTEN_WITHOUT_EXPORTS =
      dev.segments.common.tables.TableNames.ALL.stream()
          .filter(t -> !t.startsWith("export_"))
          .toList();

  /**
   * The tables two runs over the same data must hold equal: those written without exports, but the
   * run log (run ids and times).
   */
  public static final List<String> OUTPUTS =
      WRITTEN_WITHOUT_EXPORTS.stream()
          .filter(t -> !dev.segments.jobs.check.WarehouseComparison.RUN_LOGS.contains(t))
          .toList();

  private final Path input;
  private final Path warehouse;
  private final List<String> overrides = new ArrayList<>();

  public TestRuns(Path input, Path warehouse, String... overrides) {
    this.input = input;
    this.warehouse = warehouse;
    this.overrides.add("-Dinput.path=" + input);
    this.overrides.add("-Dwarehouse.path=" + warehouse);
    // Custom segment definitions of the test (none unless it writes some there).
    this.overrides.add("-Dsegments.dir=" + segmentsDir());
    this.overrides.addAll(Arrays.asList(overrides));
    try {
      Files.createDirectories(segmentsDir());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The folder of the test's custom segment definitions. */
  public Path segmentsDir() {
    return input.resolveSibling(input.getFileName() + "-segments");
  }

  /** Writes a segment definitions file for the test. */
  public void segments(String fileName, String hocon) {
    try {
      Files.writeString(segmentsDir().resolve(fileName), hocon);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path input() {
    return input;
  }

  /** Runs {@code segments <args>} with this test's paths; asserts it succeeded. */
  public void ok(String... args) {
    assertEquals(0, run(args), "segments " + String.join(" ", args) + " failed");
  }

  /** Runs {@code segments <args>} with this test's paths; returns the exit code. */
  public int run(String... args) {
    SparkTestSupport.spark();
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(overrides);
    return Main.execute(all.toArray(String[]::new));
  }

  public Dataset<Row> table(String name) {
    return new Warehouse(SparkTestSupport.spark(), warehouse.toString(), Optional.empty())
        .read(name);
  }

  public Warehouse warehouse() {
    return new Warehouse(SparkTestSupport.spark(), warehouse.toString(), Optional.empty());
  }

  /** Writes NDJSON lines as day D's input file. */
  public void day(String date, String... lines) {
    try {
      Path folder = input.resolve("dt=" + date);
      Files.createDirectories(folder);
      Files.write(folder.resolve("part-0.json"), Arrays.asList(lines));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A track call as a JSON line. */
  public static String track(String messageId, String ts, String userId, String event) {
    return "{\"type\":\"track\",\"messageId\":\""
        + messageId
        + "\",\"timestamp\":\""
        + ts
        + "\",\"userId\":\""
        + userId
        + "\",\"event\":\""
        + event
        + "\",\"properties\":{}}";
  }

  public static String identify(String messageId, String ts, String userId, String traitsJson) {
    return "{\"type\":\"identify\",\"messageId\":\""
        + messageId
        + "\",\"timestamp\":\""
        + ts
        + "\",\"userId\":\""
        + userId
        + "\",\"traits\":"
        + traitsJson
        + "}";
  }

  public static String group(
      String messageId, String ts, String userId, String groupId, String traitsJson) {
    return "{\"type\":\"group\",\"messageId\":\""
        + messageId
        + "\",\"timestamp\":\""
        + ts
        + "\","
        + (userId == null ? "" : "\"userId\":\"" + userId + "\",")
        + "\"groupId\":\""
        + groupId
        + "\",\"traits\":"
        + traitsJson
        + "}";
  }
}
