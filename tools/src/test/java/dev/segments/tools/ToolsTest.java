package dev.segments.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.common.testing.Console;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tooling entry point: steps and bench-copy (the benchmark's baselines run in
 * scripts/bench.sh).
 */
class ToolsTest {
  @TempDir Path dir;

  /** Runs with stdout and stderr captured; returns {exit code, stdout, stderr}. */
  private static Object[] capture(Supplier<Integer> run) {
    Console.Captured c = Console.capture(run);
    return new Object[] {c.code(), c.out(), c.err()};
  }

  @Test
  void stepsRunSubcommandsInOrderInOneSessionAndStopAtTheFirstFailure() {
    org.apache.spark.sql.SparkSession session =
        dev.segments.common.testing.SparkTestSupport.spark();
    Object[] r =
        capture(() -> Tools.execute("steps", "--", "stages", "--json", "+", "stages", "--json"));
    assertEquals(0, r[0], (String) r[2]);
    String out = (String) r[1];
    assertEquals(2, out.split("\\{\"stages\": \\[", -1).length - 1, out);
    assertFalse(session.sparkContext().isStopped(), "the session outlives the steps");

    Object[] bad =
        capture(
            () ->
                Tools.execute(
                    "steps", "--", "ingest", "--date", "2026-13-01", "+", "stages", "--json"));
    assertEquals(2, bad[0]);
    assertTrue(
        ((String) bad[2]).contains("'2026-13-01' is not a date of the form YYYY-MM-DD"),
        (String) bad[2]);
    assertFalse(
        ((String) bad[1]).contains("{\"stages\""),
        "the step after the failed one did not run: " + bad[1]);

    Object[] nested =
        capture(() -> Tools.execute("steps", "--", "stages", "+", "steps", "--", "stages"));
    assertEquals(1, nested[0]);
    assertTrue(
        ((String) nested[2]).contains("each step is a subcommand (not steps)"), (String) nested[2]);
  }

  @Test
  void benchCopyCopiesEveryFileAndRefusesAnExistingTarget() throws Exception {
    Path from = dir.resolve("wh");
    Files.createDirectories(from.resolve("t/_delta_log"));
    Files.createDirectories(from.resolve("empty"));
    Files.writeString(
        from.resolve("t/_delta_log/00000000000000000000.json"), "{\"commitInfo\":{}}\n");
    Files.write(from.resolve("t/part-0.parquet"), new byte[] {1, 2, 3});
    Path to = dir.resolve("copy");
    Object[] r =
        capture(
            () -> Tools.execute("bench-copy", "--from", from.toString(), "--to", to.toString()));
    assertEquals(0, r[0], (String) r[2]);
    assertTrue(((String) r[1]).contains("bench-copy: 2 files"), (String) r[1]);
    assertEquals(
        "{\"commitInfo\":{}}\n",
        Files.readString(to.resolve("t/_delta_log/00000000000000000000.json")));
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(to.resolve("t/part-0.parquet")));
    assertTrue(Files.isDirectory(to.resolve("empty")));

    Files.writeString(from.resolve("t/part-0.parquet"), "changed");
    Object[] again =
        capture(
            () -> Tools.execute("bench-copy", "--from", from.toString(), "--to", to.toString()));
    assertEquals(1, again[0]);
    assertTrue(((String) again[2]).contains("the target exists"), (String) again[2]);
    assertArrayEquals(
        new byte[] {1, 2, 3},
        Files.readAllBytes(to.resolve("t/part-0.parquet")),
        "the existing copy is untouched");
  }
}
