package dev.segments.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segments.common.testing.SparkTestSupport;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
  @TempDir Path dir;

  @Test
  void generatesAndRuns() {
    SparkTestSupport.spark();
    String in = dir.resolve("in").toString();
    String wh = dir.resolve("wh").toString();
    assertEquals(0, Main.execute("generate", "--output", in, "--start", "2026-01-01", "--days", "3", "--users", "50", "--accounts", "5",
        "-Dwarehouse.path=" + wh));
    assertEquals(0, Main.execute("run", "--from", "2026-01-01", "--to", "2026-01-03", "-Dwarehouse.path=" + wh, "-Dinput.path=" + in));
    assertEquals(0, Main.execute("summary", "-Dwarehouse.path=" + wh));
  }
}
