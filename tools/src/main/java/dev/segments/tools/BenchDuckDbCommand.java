package dev.segments.tools;

import dev.segments.jobs.cli.ConfigOptions;
import dev.segments.jobs.cli.DateConverter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The benchmark's outside reference (P5 in scripts/bench.sh): DuckDB computing the user features of
 * one date from scratch with SQL over the same Parquet input (first / last seen, active days and
 * event totals per window, per-event counts per window and all time). Same machine, same files, no
 * incremental state. It does not deduplicate message ids or reject anything, so it does less than
 * the pipeline; it is a lower bound for a from-scratch engine.
 */
@Command(
    name = "bench-duckdb",
    hidden = true,
    mixinStandardHelpOptions = true,
    description =
        "Benchmark reference: DuckDB computes the user features of a date from Parquet input; prints rows and ms.")
public final class BenchDuckDbCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "DIR",
      description = "Parquet input folder (dt=... folders).")
  String input;

  @Option(
      names = "--date",
      required = true,
      paramLabel = "YYYY-MM-DD",
      converter = DateConverter.class)
  LocalDate date;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "DuckDB threads (default: the machine's cores).")
  int threads;

  @Override
  public Integer call() throws SQLException {
    List<Integer> windows = config.load().features().windows();
    String d = "DATE '" + date + "'";
    StringBuilder perUser =
        new StringBuilder(
            "min(ts) AS first_seen, max(ts) AS last_seen, count(*) AS total_events_all_time");
    StringBuilder perEvent = new StringBuilder("count(*) AS n_all");
    StringBuilder maps =
        new StringBuilder(
            "map_from_entries(list(struct_pack(k := event, v := n_all))) AS event_counts_all_time");
    for (int w : windows) {
      String in = "day > " + d + " - INTERVAL " + w + " DAY";
      perUser
          .append(", count(DISTINCT day) FILTER (WHERE ")
          .append(in)
          .append(") AS active_days_")
          .append(w)
          .append("d")
          .append(", count(*) FILTER (WHERE ")
          .append(in)
          .append(") AS total_events_")
          .append(w)
          .append("d");
      perEvent.append(", count(*) FILTER (WHERE ").append(in).append(") AS n_").append(w);
      maps.append(", map_from_entries(list(struct_pack(k := event, v := n_")
          .append(w)
          .append(")) FILTER (WHERE n_")
          .append(w)
          .append(" > 0)) AS event_counts_")
          .append(w)
          .append("d");
    }
    String sql =
        "CREATE TEMP TABLE user_features AS "
            + "WITH t AS (SELECT userId AS user_id, event, ts, CAST(ts AS DATE) AS day FROM ("
            + "  SELECT userId, event, try_cast(\"timestamp\" AS TIMESTAMPTZ) AS ts FROM read_parquet('"
            + input.replace("'", "''")
            + "/*/*.parquet', hive_partitioning = false)"
            + "  WHERE type = 'track' AND userId IS NOT NULL AND event IS NOT NULL) WHERE ts IS NOT NULL AND CAST(ts AS DATE) <= "
            + d
            + "),"
            + " u AS (SELECT user_id, "
            + perUser
            + " FROM t GROUP BY user_id),"
            + " e AS (SELECT user_id, event, "
            + perEvent
            + " FROM t GROUP BY user_id, event),"
            + " m AS (SELECT user_id, "
            + maps
            + " FROM e GROUP BY user_id)"
            + " SELECT u.*, "
            + d
            + " - CAST(first_seen AS DATE) AS tenure_days, "
            + d
            + " - CAST(last_seen AS DATE) AS days_since_last_seen, m.* EXCLUDE (user_id)"
            + " FROM u JOIN m USING (user_id)";
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      if (threads > 0) {
        s.execute("SET threads = " + threads);
      }
      long began = System.nanoTime();
      s.execute(sql);
      long rows;
      try (ResultSet r = s.executeQuery("SELECT count(*) FROM user_features")) {
        r.next();
        rows = r.getLong(1);
      }
      long ms = (System.nanoTime() - began) / 1_000_000;
      System.out.printf("bench-duckdb: %d users in %d ms%n", rows, ms);
    }
    return 0;
  }
}
