package dev.segments.jobs.export;

import static dev.segments.jobs.export.ExportFixture.D1;
import static dev.segments.jobs.export.ExportFixture.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code segments export} in its own JVM, killed (SIGKILL) while the fake HubSpot holds its fourth
 * upsert batch unanswered, then run again: every record is acknowledged exactly once, none is
 * missing, and nothing that the first run acknowledged is sent again.
 */
class ExportKillTest {
  @TempDir Path dir;

  @Test
  void killedBetweenBatchesThenRerunAcknowledgesEveryRecordOnce() throws Exception {
    ExportFixture f = new ExportFixture(dir);
    try (FakeHubSpot api = new FakeHubSpot(TOKEN)) {
      String dest = ExportTest.hubspot(api, "entities = [user], batch-size = 1, concurrency = 1");
      String upsert = "/crm/v3/objects/contacts/batch/upsert";
      int[] seen = {0};
      api.holdWhen(r -> r.path().equals(upsert) && ++seen[0] == 4);
      Process first = start(f, dest, dir.resolve("first.log"));
      assertTrue(
          api.held.await(600, TimeUnit.SECONDS),
          "the fourth batch never came:\n" + Files.readString(dir.resolve("first.log")));
      first.destroyForcibly();
      assertTrue(first.waitFor(60, TimeUnit.SECONDS));
      // Three batches were answered and journalled before the fourth went out.
      assertEquals(3, api.answered("POST", upsert).size());
      assertFalse(Files.exists(f.warehouse.resolve("export_state")), "killed before the merge");

      api.holdWhen(r -> false);
      Process second = start(f, dest, dir.resolve("second.log"));
      boolean done = second.waitFor(600, TimeUnit.SECONDS);
      String log = Files.readString(dir.resolve("second.log"));
      assertTrue(done, "the second run did not finish in 10 minutes:\n" + log);
      assertEquals(0, second.exitValue(), log);

      // Every record with an email (u7 has none) acknowledged exactly once across both runs.
      Map<String, Integer> acknowledged = new TreeMap<>();
      for (FakeApi.Request r : api.answered("POST", upsert)) {
        for (JsonNode in : r.json().path("inputs")) {
          acknowledged.merge(in.path("id").asText(), 1, Integer::sum);
        }
      }
      Map<String, Integer> once = new TreeMap<>();
      for (String k :
          List.of("a@x.com", "b@x.com", "c@x.com", "d@x.com", "e@x.com", "f@x.com", "bad@")) {
        once.put(k, 1);
      }
      assertEquals(once, acknowledged);
      java.util.Set<String> missing = new java.util.TreeSet<>(once.keySet());
      missing.removeAll(api.listMembers("0-1", "seg_active_users", "contacts"));
      assertEquals(java.util.Set.of(), missing, "not in the list");
      assertFalse(
          (Files.readString(dir.resolve("first.log")) + log).contains(TOKEN),
          "token in the output");
      // The journal is merged and gone.
      assertEquals(8, ExportTest.state(f, "crm", "user").size());
    }
  }

  private static Process start(ExportFixture f, String dest, Path log) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-")
          || a.startsWith("-XX:+IgnoreUnrecognized")
          || a.startsWith("-Dio.netty")
          || a.startsWith("-Duser.timezone")) {
        cmd.add(a);
      }
    }
    cmd.add("-Xmx1g");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.segments.jobs.Main");
    cmd.add("export");
    cmd.add("--date");
    cmd.add(D1.toString());
    for (String o : f.overrides(Map.of("crm", dest))) {
      cmd.add("-D" + o);
    }
    cmd.add("-Dspark.master=local[1]");
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("SEGMENTS_TEST_TOKEN", TOKEN);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    pb.directory(new File(f.root.toString()));
    return pb.start();
  }
}
