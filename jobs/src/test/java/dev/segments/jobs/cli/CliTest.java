package dev.segments.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.common.testing.Console;
import dev.segments.jobs.Main;
import dev.segments.jobs.TestRuns;
import dev.segments.jobs.pipeline.Stages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/** Exit codes and messages of the entry point. */
@ResourceLock(Resources.SYSTEM_OUT)
@ResourceLock(Resources.SYSTEM_ERR)
class CliTest {
  @TempDir Path dir;

  /** Runs with stdout and stderr captured; returns {exit code, stdout, stderr}. */
  private static Object[] capture(Supplier<Integer> run) {
    Console.Captured c = Console.capture(run);
    return new Object[] {c.code(), c.out(), c.err()};
  }

  @Test
  void everySubcommandHasHelp() {
    for (String sub : List.of("generate", "ingest", "features", "run", "summary")) {
      Object[] r = capture(() -> Main.execute(sub, "--help"));
      assertEquals(0, r[0], sub);
      assertTrue(((String) r[1]).contains("Usage: segments " + sub), (String) r[1]);
    }
    Object[] r = capture(() -> Main.execute("--help"));
    for (String stage : Stages.names()) {
      assertTrue(((String) r[1]).contains(stage), (String) r[1]);
    }
    // The product's entry point has no tooling commands (they live in segments-tools).
    for (String tool : List.of("steps", "bench-groupby", "bench-duckdb", "bench-copy")) {
      Object[] t = capture(() -> Main.execute(tool));
      assertEquals(2, t[0], tool);
      assertTrue(
          ((String) t[2]).contains("Unmatched argument") || ((String) t[2]).contains("Unknown"),
          (String) t[2]);
    }
  }

  @Test
  void badDateIsAUsageError() {
    Object[] r = capture(() -> Main.execute("ingest", "--date", "2026-13-01"));
    assertEquals(2, r[0]);
    assertTrue(
        ((String) r[2]).contains("'2026-13-01' is not a date of the form YYYY-MM-DD"),
        (String) r[2]);
    Object[] missing = capture(() -> Main.execute("features"));
    assertEquals(2, missing[0]);
    assertTrue(
        ((String) missing[2]).contains("Missing required option: '--date=YYYY-MM-DD'"),
        (String) missing[2]);
  }

  @Test
  void badConfigStopsBeforeAnythingIsWritten() throws Exception {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "ingest.lookback-days = 400\n");
    Path warehouse = dir.resolve("wh");
    Object[] r =
        capture(
            () ->
                Main.execute(
                    "run",
                    "--date",
                    "2026-01-01",
                    "--config",
                    conf.toString(),
                    "-Dwarehouse.path=" + warehouse));
    assertEquals(1, r[0]);
    String err = (String) r[2];
    assertTrue(err.contains("ingest.lookback-days = 400 (" + conf), err);
    assertTrue(err.contains("must be between 0 and 365"), err);
    assertFalse(Files.exists(warehouse), "nothing written");
  }

  @Test
  void featuresBeforeIngestSaysWhatToRun() {
    TestRuns runs = new TestRuns(dir.resolve("in"), dir.resolve("wh"));
    Object[] r = capture(() -> runs.run("features", "--date", "2026-01-01"));
    assertEquals(1, r[0]);
    assertTrue(
        ((String) r[2])
            .contains(
                "Cannot build features for 2026-01-01: ingest has not run for that date (run segments ingest --date 2026-01-01 first"),
        (String) r[2]);
  }

  @Test
  void generateRefusesAFolderItDidNotWrite() throws Exception {
    Path precious = dir.resolve("precious");
    Files.createDirectories(precious);
    Files.writeString(precious.resolve("events.json"), "{}\n");
    TestRuns runs = new TestRuns(dir.resolve("in"), dir.resolve("wh"));
    Object[] r =
        capture(
            () ->
                runs.run(
                    "generate", "--output", precious.toString(), "--days", "1", "--users", "2"));
    assertEquals(1, r[0]);
    assertTrue(((String) r[2]).contains("Cannot generate into " + precious), (String) r[2]);
    assertTrue(Files.exists(precious.resolve("events.json")));
  }

  /** A command that fails with the given exception. */
  @picocli.CommandLine.Command(name = "failing")
  static final class Failing implements java.util.concurrent.Callable<Integer> {
    final RuntimeException error;

    Failing(RuntimeException error) {
      this.error = error;
    }

    @Override
    public Integer call() {
      throw error;
    }
  }

  private static Object[] fail(RuntimeException error) {
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine cli = new picocli.CommandLine(new Failing(error));
    cli.setErr(new java.io.PrintWriter(err));
    cli.setExecutionExceptionHandler(Main.errors());
    return new Object[] {cli.execute(), err.toString()};
  }

  @Test
  void userErrorsAreOneLineAndInternalErrorsKeepTheirStackTrace() {
    Object[] user =
        fail(new dev.segments.common.UserError("Cannot score 2026-01-01: run features first"));
    assertEquals(1, user[0]);
    assertEquals(
        "segments failing failed: Cannot score 2026-01-01: run features first"
            + System.lineSeparator(),
        user[1]);
    // An IllegalStateException from inside Spark or Delta is not ours to summarise: stack trace.
    Object[] internal = fail(new IllegalStateException("Delta: version 3 of the log is missing"));
    assertEquals(1, internal[0]);
    String text = (String) internal[1];
    assertTrue(
        text.startsWith(
            "segments failing failed:"
                + System.lineSeparator()
                + "java.lang.IllegalStateException: Delta: version 3 of the log is missing"),
        text);
    assertTrue(text.contains("\tat "), "a stack trace: " + text);
  }
}
