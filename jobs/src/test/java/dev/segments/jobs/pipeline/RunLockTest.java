package dev.segments.jobs.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.common.UserError;
import dev.segments.common.tables.TableNames;
import dev.segments.jobs.TestRuns;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One run at a time per warehouse: waiting, giving up with the holder named, dead locks. */
class RunLockTest {
  @TempDir Path dir;
  final Configuration hadoop = new Configuration();

  private Path lockFile() {
    return dir.resolve(RunLock.FILE);
  }

  @Test
  void aSecondRunStopsNamingTheHolderWhenItWillNotWait() {
    try (RunLock first = RunLock.acquire(hadoop, dir.toString(), "segments run A", Duration.ZERO)) {
      UserError e =
          assertThrows(
              UserError.class,
              () -> RunLock.acquire(hadoop, dir.toString(), "segments run B", Duration.ZERO));
      assertTrue(e.getMessage().startsWith("Cannot start: the warehouse " + dir), e.getMessage());
      assertTrue(e.getMessage().contains("'segments run A' on "), e.getMessage());
      assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
      assertTrue(e.getMessage().contains("warehouse.lock-wait-seconds"), e.getMessage());
      assertTrue(Files.exists(lockFile()), "the holder keeps its lock");
    }
    assertFalse(Files.exists(lockFile()), "released on close");
  }

  @Test
  void aSecondRunWaitsForTheFirst() throws Exception {
    RunLock first = RunLock.acquire(hadoop, dir.toString(), "segments run A", Duration.ZERO);
    long began = System.nanoTime();
    CompletableFuture<RunLock> second =
        CompletableFuture.supplyAsync(
            () -> RunLock.acquire(hadoop, dir.toString(), "segments run B", Duration.ofMinutes(1)));
    Thread.sleep(1500);
    assertFalse(second.isDone(), "B waits while A holds the lock");
    first.close();
    try (RunLock b = second.get()) {
      assertTrue(System.nanoTime() - began >= 1_500_000_000L);
      assertTrue(Files.readString(lockFile()).contains("command=segments run B"));
    }
  }

  @Test
  void theLockOfAProcessThatIsGoneIsTakenOverAtOnce() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    Files.writeString(
        lockFile(),
        "run=dead\ncommand=segments run X\nhost="
            + InetAddress.getLocalHost().getHostName()
            + "\npid="
            + p.pid()
            + "\nstarted=2026-12-01T00:00:00Z\n");
    try (RunLock lock = RunLock.acquire(hadoop, dir.toString(), "segments run Y", Duration.ZERO)) {
      assertTrue(Files.readString(lockFile()).contains("command=segments run Y"));
    }
  }

  @Test
  void aLockOfAnotherHostIsTakenOverOnlyWithoutHeartbeat() throws IOException {
    String other =
        "run=far\ncommand=segments run X\nhost=other-host\npid=1\nstarted=2026-12-01T00:00:00Z\n";
    Files.writeString(lockFile(), other);
    // A fresh heartbeat: alive, whatever its pid.
    assertThrows(
        UserError.class,
        () -> RunLock.acquire(hadoop, dir.toString(), "segments run Y", Duration.ZERO));
    // No heartbeat for longer than STALE: dead.
    Files.setLastModifiedTime(
        lockFile(), FileTime.from(Instant.now().minus(RunLock.STALE).minusSeconds(30)));
    try (RunLock lock = RunLock.acquire(hadoop, dir.toString(), "segments run Y", Duration.ZERO)) {
      assertTrue(Files.readString(lockFile()).contains("command=segments run Y"));
    }
  }

  @Test
  void twoIngestsOfOneDateAtOnceGiveTheTablesOfOne() throws Exception {
    TestRuns runs = new TestRuns(dir.resolve("in"), dir.resolve("wh"));
    runs.day(
        "2026-05-01",
        TestRuns.track("t1", "2026-05-01T09:00:00Z", "u1", "login"),
        TestRuns.track("t2", "2026-05-01T10:00:00Z", "u1", "edit"),
        TestRuns.track("t3", "2026-05-01T11:00:00Z", "u2", "edit"));
    CompletableFuture<Integer> a =
        CompletableFuture.supplyAsync(() -> runs.run("ingest", "--date", "2026-05-01"));
    CompletableFuture<Integer> b =
        CompletableFuture.supplyAsync(() -> runs.run("ingest", "--date", "2026-05-01"));
    assertEquals(List.of(0, 0), List.of(a.get(), b.get()), "both succeed, one after the other");
    List<Row> events = runs.table(TableNames.EVENTS).collectAsList();
    assertEquals(3, events.size(), "the day's 3 events once: " + events);
    assertEquals(1, runs.table(TableNames.INGEST_RUNS).count());
    // Both runs are in the run log, one after the other.
    List<Row> log = runs.table(TableNames.PIPELINE_RUNS).orderBy("started_at").collectAsList();
    assertEquals(2, log.size());
    assertTrue(
        !log.get(1)
            .getTimestamp(log.get(1).fieldIndex("started_at"))
            .before(log.get(0).getTimestamp(log.get(0).fieldIndex("ended_at"))),
        "the second started after the first ended: " + log);
    assertFalse(Files.exists(dir.resolve("wh").resolve(RunLock.FILE)));
  }
}
