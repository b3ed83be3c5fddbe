package dev.segments.jobs.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.common.UserError;
import dev.segments.common.tables.TableNames;
import dev.segments.common.tables.Warehouse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code segments report}: one static HTML file that opens from disk and works offline. The data
 * (small: per-date and per-segment aggregates) is read from the warehouse, embedded as JSON, and
 * drawn by Apache ECharts (embedded from its webjar) as SVG.
 */
public final class Report {
  /** The ECharts build inside the webjar (its version is the pom's echarts.version). */
  private static final String ECHARTS = "META-INF/resources/webjars/echarts/";

  /** The titles of the charts, in page order (the browser test checks each). */
  public static final List<String> CHARTS =
      List.of(
          "Segment sizes over time",
          "Entered and exited per day",
          "Engagement score distribution",
          "Accounts by activation progress",
          "Ingest accounting",
          "Stage durations");

  private final Warehouse warehouse;
  private final LocalDate date;
  private final LocalDate from;
  private final String workspace;

  /**
   * @param days how many dates the time charts show, ending at {@code date}
   * @param workspace whose scores the distributions show
   */
  public Report(Warehouse warehouse, LocalDate date, int days, String workspace) {
    if (days < 1) {
      throw new UserError("--days must be at least 1, not " + days);
    }
    this.warehouse = warehouse;
    this.date = date;
    this.from = date.minusDays(days - 1L);
    this.workspace = workspace;
  }

  /** Writes {@code segments-report-<date>.html} under {@code out} and returns its path. */
  public Path write(Path out) {
    String html = html();
    try {
      Files.createDirectories(out);
      Path file = out.resolve("segments-report-" + date + ".html");
      Path partial = out.resolve("." + file.getFileName() + ".tmp");
      Files.writeString(partial, html, StandardCharsets.UTF_8);
      Files.move(
          partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return file;
    } catch (IOException e) {
      throw new UserError("Cannot write the report under " + out + ": " + e.getMessage());
    }
  }

  /** The page. */
  public String html() {
    require(TableNames.SEGMENT_SIZES, "segments");
    require(TableNames.USER_SCORES, "score");
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("date", date.toString());
    data.put("from", from.toString());
    data.put("workspace", workspace);
    data.put("dates", dates());
    data.put("sizes", sizes());
    data.put("scores", scoreBins());
    data.put("bands", bands());
    // As [label, accounts] pairs: a JavaScript object would put the key "100" first.
    data.put(
        "activation",
        activationBins().entrySet().stream().map(e -> List.of(e.getKey(), e.getValue())).toList());
    data.put("ingest", ingest());
    data.put("stages", stages());
    String json;
    try {
      // "</" would end the script element early: escaped, which JSON allows.
      json = new ObjectMapper().writeValueAsString(data).replace("</", "<\\/");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> parts = new LinkedHashMap<>();
    parts.put("TITLE", esc("segments report " + date));
    parts.put("SUBTITLE", esc(subtitle()));
    parts.put("METRICS", metricsTable());
    parts.put("ECHARTS", echarts());
    parts.put("DATA", json);
    parts.put("SCRIPT", resource("report/report.js"));
    return fill(resource("report/report.html"), parts);
  }

  private String subtitle() {
    return "Warehouse "
        + warehouse.root()
        + "; dates "
        + from
        + " .. "
        + date
        + "; scores of workspace "
        + workspace
        + ". Generated "
        + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        + ".";
  }

  private void require(String table, String stage) {
    if (!warehouse.exists(table)) {
      throw new UserError(
          "Cannot write the report: no "
              + table
              + " in "
              + warehouse.root()
              + " (run "
              + stage
              + " first)");
    }
  }

  private Dataset<Row> window(String table, String dateColumn) {
    return warehouse
        .read(table)
        .where(col(dateColumn).between(lit(Date.valueOf(from)), lit(Date.valueOf(date))));
  }

  private Dataset<Row> onDate(String table) {
    return warehouse
        .read(table)
        .where(
            col("as_of_date")
                .equalTo(lit(Date.valueOf(date)))
                .and(col("workspace").equalTo(workspace)));
  }

  private List<String> dates() {
    List<String> out = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(date); d = d.plusDays(1)) {
      out.add(d.toString());
    }
    return out;
  }

  /** Per segment: entity, and members / entered / exited per date of the window (null: no row). */
  private Map<String, Object> sizes() {
    List<Row> rows =
        window(TableNames.SEGMENT_SIZES, "as_of_date")
            .select("as_of_date", "segment_id", "entity", "members", "entered", "exited")
            .collectAsList();
    if (rows.stream().noneMatch(r -> r.getDate(0).toLocalDate().equals(date))) {
      Row latest = warehouse.read(TableNames.SEGMENT_SIZES).agg(max("as_of_date")).first();
      throw new UserError(
          "Cannot write the report for "
              + date
              + ": the segments stage has not run for it (latest date in segment_sizes: "
              + (latest.isNullAt(0) ? "none" : latest.getDate(0))
              + ")");
    }
    List<String> dates = dates();
    Map<String, Object> out = new TreeMap<>();
    for (Row r : rows) {
      String id = r.getString(1);
      @SuppressWarnings("unchecked")
      Map<String, Object> s =
          (Map<String, Object>)
              out.computeIfAbsent(
                  id,
                  k -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("entity", r.getString(2));
                    m.put("members", nulls(dates.size()));
                    m.put("entered", nulls(dates.size()));
                    m.put("exited", nulls(dates.size()));
                    return m;
                  });
      int i = dates.indexOf(r.getDate(0).toLocalDate().toString());
      for (int c = 3; c <= 5; c++) {
        @SuppressWarnings("unchecked")
        List<Object> series = (List<Object>) s.get(r.schema().fieldNames()[c]);
        series.set(i, r.getLong(c));
      }
    }
    return out;
  }

  private static List<Object> nulls(int n) {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(null);
    }
    return out;
  }

  /** Users per engagement-score bin of 5 points on the date (95–100 in the last bin). */
  private List<Long> scoreBins() {
    long[] bins = new long[20];
    for (Row r :
        onDate(TableNames.USER_SCORES)
            .groupBy(least(floor(col("engagement_score").divide(5)), lit(19)).as("bin"))
            .agg(count(lit(1)))
            .collectAsList()) {
      if (!r.isNullAt(0)) {
        bins[(int) r.getLong(0)] = r.getLong(1);
      }
    }
    List<Long> out = new ArrayList<>();
    for (long b : bins) {
      out.add(b);
    }
    return out;
  }

  /** The suggested user bands on the engagement score of the date: stem, lower and upper bound. */
  private List<Map<String, Object>> bands() {
    List<Map<String, Object>> out = new ArrayList<>();
    if (!warehouse.exists(TableNames.SEGMENT_THRESHOLDS)) {
      return out;
    }
    for (Row r :
        onDate(TableNames.SEGMENT_THRESHOLDS)
            .where(
                col("entity")
                    .equalTo("user")
                    .and(col("metric").equalTo("engagement_score"))
                    .and(col("band").isNotNull()))
            .select("band", "lower_bound", "upper_bound")
            .orderBy(col("lower_bound").desc_nulls_last())
            .collectAsList()) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("band", r.getString(0));
      b.put("lower", r.isNullAt(1) ? null : r.getDouble(1));
      b.put("upper", r.isNullAt(2) ? null : r.getDouble(2));
      out.add(b);
    }
    return out;
  }

  /** Accounts per activation-progress bin of 10 points (100 alone; "no steps" when null). */
  private Map<String, Long> activationBins() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (int b = 0; b < 100; b += 10) {
      out.put(b + "–" + (b + 9), 0L);
    }
    out.put("100", 0L);
    out.put("no steps", 0L);
    if (!warehouse.exists(TableNames.ACCOUNT_SCORES)) {
      return out;
    }
    Dataset<Row> accountScores = onDate(TableNames.ACCOUNT_SCORES);
    for (Row r :
        accountScores
            .where(
                dev.segments.jobs.features.AccountHierarchy.levelOf(accountScores)
                    .equalTo(dev.segments.jobs.features.AccountHierarchy.LEAF))
            .groupBy(
                when(col("activation_progress").isNull(), lit("no steps"))
                    .when(col("activation_progress").geq(100), lit("100"))
                    .otherwise(
                        floor(col("activation_progress").divide(10)).multiply(10).cast("string"))
                    .as("bin"))
            .agg(count(lit(1)))
            .collectAsList()) {
      String bin = r.getString(0);
      String key =
          bin.equals("no steps") || bin.equals("100")
              ? bin
              : bin + "–" + (Integer.parseInt(bin) + 9);
      out.put(key, r.getLong(1));
    }
    return out;
  }

  /** Per ingest date of the window: accepted, duplicates and rejected per reason. */
  private Map<String, Object> ingest() {
    Map<String, Object> out = new LinkedHashMap<>();
    if (!warehouse.exists(TableNames.INGEST_RUNS)) {
      return out;
    }
    List<String> dates = dates();
    Map<String, List<Object>> series = new TreeMap<>();
    series.put("accepted", nulls(dates.size()));
    series.put("duplicates", nulls(dates.size()));
    for (Row r :
        window(TableNames.INGEST_RUNS, "ingest_date")
            .select("ingest_date", "accepted", "duplicates", "rejected_by_reason")
            .collectAsList()) {
      int i = dates.indexOf(r.getDate(0).toLocalDate().toString());
      series.get("accepted").set(i, r.getLong(1));
      series.get("duplicates").set(i, r.getLong(2));
      Map<String, Long> reasons = r.getJavaMap(3);
      reasons.forEach(
          (reason, n) ->
              series.computeIfAbsent("rejected: " + reason, k -> nulls(dates.size())).set(i, n));
    }
    out.putAll(series);
    return out;
  }

  /**
   * Per stage: seconds of its latest attempt per date, and whether that attempt failed (the
   * attempts {@code segments status} shows).
   */
  private Map<String, Object> stages() {
    Map<String, Object> out = new LinkedHashMap<>();
    List<String> dates = dates();
    List<dev.segments.jobs.health.RunStatus.StageRun> runs =
        dev.segments.jobs.health.RunStatus.of(warehouse, java.util.Optional.of(date), dates.size())
            .runs();
    for (String stage : dev.segments.jobs.pipeline.Stages.names()) {
      List<Object> seconds = nulls(dates.size());
      List<Object> failed = nulls(dates.size());
      boolean any = false;
      for (dev.segments.jobs.health.RunStatus.StageRun r : runs) {
        if (r.stage().equals(stage)) {
          int i = dates.indexOf(r.date().toString());
          seconds.set(i, r.durationMs() / 1000.0);
          failed.set(i, r.failed());
          any = true;
        }
      }
      if (any) {
        out.put(stage, Map.of("seconds", seconds, "failed", failed));
      }
    }
    return out;
  }

  private static final List<String> METRIC_COLUMNS =
      List.of(
          "segment_id",
          "entity",
          "workspace",
          "members",
          "entered",
          "exited",
          "scored",
          "engagement_score_mean",
          "engagement_score_p50",
          "engagement_score_p90",
          "share_active",
          "activation_progress_mean",
          "share_activated",
          "score_change_mean",
          "red_hot",
          "ice_cold",
          "total_users",
          "active_users");

  /** segment_metrics of the date as an HTML table (every workspace). */
  private String metricsTable() {
    if (!warehouse.exists(TableNames.SEGMENT_METRICS)) {
      return "<p>No segment_metrics in this warehouse yet.</p>";
    }
    List<Row> rows =
        warehouse
            .read(TableNames.SEGMENT_METRICS)
            .where(col("as_of_date").equalTo(lit(Date.valueOf(date))))
            .select(
                METRIC_COLUMNS.stream()
                    .map(org.apache.spark.sql.functions::col)
                    .toArray(org.apache.spark.sql.Column[]::new))
            .orderBy("entity", "segment_id", "workspace")
            .collectAsList();
    StringBuilder t = new StringBuilder("<table id=\"metrics\">\n<thead><tr>");
    for (String c : METRIC_COLUMNS) {
      t.append("<th>").append(esc(c.replace('_', ' '))).append("</th>");
    }
    t.append("</tr></thead>\n<tbody>\n");
    for (Row r : rows) {
      t.append("<tr>");
      for (int i = 0; i < METRIC_COLUMNS.size(); i++) {
        Object v = r.get(i);
        String text =
            v == null
                ? ""
                : v instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : v.toString();
        t.append(i < 3 ? "<td>" : "<td class=\"n\">").append(esc(text)).append("</td>");
      }
      t.append("</tr>\n");
    }
    return t.append("</tbody>\n</table>").toString();
  }

  private static String echarts() {
    String version = ECHARTS + echartsVersion() + "/dist/echarts.min.js";
    return resource(version);
  }

  /** The webjar's version, from its Maven metadata on the classpath. */
  private static String echartsVersion() {
    String pom = "META-INF/maven/org.webjars.npm/echarts/pom.properties";
    try (InputStream in = Report.class.getClassLoader().getResourceAsStream(pom)) {
      if (in == null) {
        throw new IllegalStateException("ECharts webjar not on the classpath (" + pom + ")");
      }
      java.util.Properties p = new java.util.Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = Report.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The template with each {@code @NAME@} of it replaced (the inserted text is not scanned). */
  static String fill(String template, Map<String, String> parts) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("@([A-Z]+)@").matcher(template);
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (m.find()) {
      String part = parts.get(m.group(1));
      if (part == null) {
        throw new IllegalStateException("No part " + m.group(1) + " for the report template");
      }
      out.append(template, at, m.start()).append(part);
      at = m.end();
    }
    return out.append(template.substring(at)).toString();
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
