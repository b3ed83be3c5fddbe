package dev.segments.jobs.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.common.UserError;
import dev.segments.common.config.ExportSettings.Destination;
import dev.segments.common.config.ExportSettings.Type;
import dev.segments.common.config.Settings;
import dev.segments.common.segments.SegmentDefinition;
import dev.segments.common.segments.SegmentDefinition.Entity;
import dev.segments.common.tables.TableCatalog;
import dev.segments.common.tables.TableNames;
import dev.segments.jobs.pipeline.StageContext;
import dev.segments.jobs.pipeline.StageSummary;
import dev.segments.jobs.pipeline.WithStageContext;
import dev.segments.jobs.segments.SegmentsJob;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The export stage: for each enabled destination, the records it should hold on the date (members
 * of its segments with their fields), diffed against what it acknowledged (export_state), sent in
 * bounded batches with bounded concurrency; each batch's answers are journalled before the next
 * goes out and merged into export_state at the end (docs/exports.md). One destination's failure
 * does not stop the others; the stage fails at the end if any failed, and the retry resumes.
 */
public final class ExportJob extends WithStageContext {
  private static final Logger LOG = LoggerFactory.getLogger(ExportJob.class);

  /** The command's options (the stage in a run has the defaults). */
  public record Options(Optional<String> destination, boolean dryRun, boolean fullResync) {
    public static final Options DEFAULT = new Options(Optional.empty(), false, false);
  }

  private final Options options;
  private final Map<String, String> env;

  public ExportJob(StageContext context, Options options) {
    this(context, options, System.getenv());
  }

  ExportJob(StageContext context, Options options, Map<String, String> env) {
    super(context);
    this.options = options;
    this.env = env;
  }

  /** What a sync did, per destination: an export_runs row. */
  record Outcome(
      Destination destination,
      Instant started,
      long durationMs,
      long sent,
      long acknowledged,
      long rejected,
      long retried,
      long requests,
      String status,
      Optional<String> error,
      List<String> lines) {}

  /**
   * The problems that stop a run before anything is written: an enabled destination whose segment
   * selector matches nothing, whose credential variable is unset, or an unknown --destination.
   */
  public static List<String> problems(
      Settings settings,
      List<SegmentDefinition> definitions,
      Map<String, String> env,
      Optional<String> only) {
    List<String> problems = new ArrayList<>();
    if (only.isPresent() && settings.exports().destination(only.get()).isEmpty()) {
      problems.add(
          "--destination "
              + only.get()
              + ": no such destination; configured: "
              + String.join(
                  ", ",
                  settings.exports().destinations().stream().map(Destination::name).toList()));
      return problems;
    }
    for (Destination d : settings.exports().enabled()) {
      if (only.isPresent() && !only.get().equals(d.name())) {
        continue;
      }
      for (String selector : d.segments()) {
        if (definitions.stream().noneMatch(s -> matches(selector, s))) {
          problems.add(
              d.key()
                  + ".segments: "
                  + selector
                  + " matches no segment (see `segments validate` for the ids)");
        }
      }
      if (d.type() != Type.FILES) {
        String value = env.get(d.credentialEnv());
        if (value == null || value.isBlank()) {
          problems.add(
              d.key()
                  + ".credential-env = "
                  + d.credentialEnv()
                  + ": the environment variable is not set (it holds the "
                  + d.type().key()
                  + " credential)");
        }
      }
    }
    return problems;
  }

  static boolean matches(String selector, SegmentDefinition s) {
    if (selector.startsWith("kind:")) {
      return s.kind().name().toLowerCase(java.util.Locale.ROOT).equals(selector.substring(5));
    }
    String regex = Pattern.quote(selector).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
    return s.id().matches(regex);
  }

  /** The destination's segments of one entity, by id. */
  static List<String> selected(Destination d, Entity entity, List<SegmentDefinition> definitions) {
    return definitions.stream()
        .filter(s -> s.entity() == entity)
        .filter(s -> d.segments().stream().anyMatch(sel -> matches(sel, s)))
        .map(SegmentDefinition::id)
        .sorted()
        .toList();
  }

  public StageSummary run(LocalDate date) {
    List<Destination> destinations =
        settings.exports().enabled().stream()
            .filter(d -> options.destination().map(d.name()::equals).orElse(true))
            .toList();
    if (destinations.isEmpty()) {
      return () -> "export " + date + ": no destination enabled (exports.destinations)\n";
    }
    List<SegmentDefinition> definitions = SegmentsJob.definitions(settings);
    List<String> problems = problems(settings, definitions, env, options.destination());
    if (!problems.isEmpty()) {
      throw new UserError("Cannot export: " + String.join("; ", problems));
    }
    if (!warehouse.exists(TableNames.SEGMENT_MEMBERS)) {
      throw new UserError("Cannot export " + date + ": run the segments stage first");
    }
    String runId =
        "export-" + date + "-" + Instant.now().toString().replaceAll("[^0-9]", "").substring(0, 17);
    List<Outcome> outcomes = new ArrayList<>();
    for (Destination d : destinations) {
      Instant started = Instant.now();
      long t0 = System.nanoTime();
      Outcome o;
      try {
        o = sync(d, date, runId, definitions, started, t0);
      } catch (RuntimeException e) {
        LOG.error("Export to {} failed", d.name(), e);
        o =
            new Outcome(
                d,
                started,
                (System.nanoTime() - t0) / 1_000_000,
                0,
                0,
                0,
                0,
                0,
                "failed",
                Optional.of(String.valueOf(e.getMessage())),
                List.of(d.name() + ": failed: " + e.getMessage()));
      }
      outcomes.add(o);
    }
    if (!options.dryRun()) {
      writeRuns(runId, date, outcomes);
    }
    List<String> failed =
        outcomes.stream()
            .filter(o -> o.status().equals("failed"))
            .map(o -> o.destination().name() + " (" + o.error().orElse("") + ")")
            .toList();
    StringBuilder text = new StringBuilder();
    text.append("export ")
        .append(date)
        .append(options.dryRun() ? " (dry run: nothing sent)" : "")
        .append(":\n");
    outcomes.forEach(o -> o.lines().forEach(l -> text.append("  ").append(l).append('\n')));
    if (!failed.isEmpty()) {
      System.out.print(text);
      throw new UserError(
          "export "
              + date
              + ": "
              + String.join(", ", failed)
              + " failed; what they acknowledged is kept, and a rerun sends the rest");
    }
    return text::toString;
  }

  private Outcome sync(
      Destination d,
      LocalDate date,
      String runId,
      List<SegmentDefinition> definitions,
      Instant started,
      long t0) {
    Optional<LocalDate> later = laterExport(d, date);
    if (later.isPresent() && !options.fullResync()) {
      String why =
          "skipped: "
              + later.get()
              + " was exported already; sending "
              + date
              + " would put older segments back (--full-resync does it anyway)";
      return new Outcome(
          d,
          started,
          0,
          0,
          0,
          0,
          0,
          0,
          "skipped",
          Optional.of(why),
          List.of(d.name() + ": " + why));
    }
    if (d.type() == Type.FILES) {
      return new FileExport(spark, warehouse, settings, d, options.dryRun())
          .write(date, definitions, started, t0);
    }
    Connector connector = connector(d);
    AckJournal journal = new AckJournal(spark, warehouse.root(), d.name(), runId);
    if (!options.dryRun()) {
      mergeJournal(journal);
    }
    Dataset<Row> state = state(d);
    ExportRecords records = new ExportRecords(warehouse, settings);
    AtomicLong sent = new AtomicLong();
    AtomicLong acked = new AtomicLong();
    AtomicLong rejected = new AtomicLong();
    List<String> lines = new ArrayList<>();
    Optional<String> error = Optional.empty();
    try {
      // Accounts first, so that users can be attached to companies sent in the same run.
      List<Entity> order = d.entities().stream().sorted((a, b) -> b.compareTo(a)).toList();
      for (Entity entity : order) {
        List<String> segments = selected(d, entity, definitions);
        if (segments.isEmpty()) {
          continue;
        }
        Dataset<Row> current = records.current(d, entity, segments, date);
        Dataset<Row> entityState = state.where(col("entity").equalTo(entity.key));
        Dataset<Row> changes = ExportRecords.diff(current, entityState, options.fullResync());
        if (options.dryRun()) {
          lines.add(dryRun(d, entity, changes));
          continue;
        }
        Map<String, String> known =
            options.fullResync() ? Map.of() : remoteIds(state, entity.key + "_segment");
        Map<String, String> learnt =
            connector.prepare(entity, segments, ExportRecords.fieldTypes(current), known);
        if (connector instanceof IntercomConnector intercom && entity == Entity.USER) {
          intercom.knownCompanies(remoteIds(state, Entity.ACCOUNT.key));
        }
        List<ObjectNode> rows = new ArrayList<>();
        learnt.forEach(
            (segment, id) ->
                rows.add(
                    AckJournal.row(
                        d.name(),
                        entity.key + "_segment",
                        segment,
                        segment,
                        null,
                        List.of(),
                        id,
                        "ok",
                        0,
                        null,
                        runId,
                        Timestamp.from(Instant.now()),
                        date)));
        journal.write(rows);
        long[] n = send(d, entity, connector, changes, journal, runId, date, acked, rejected);
        sent.addAndGet(n[0]);
        lines.add(
            d.name()
                + " "
                + entity.key
                + "s: "
                + n[0]
                + " sent ("
                + n[1]
                + " adds, "
                + n[2]
                + " changes, "
                + n[3]
                + " removes)");
      }
    } catch (HttpApi.DestinationStopped | HttpApi.SendFailed | ExportFailure e) {
      error = Optional.of(e.getMessage());
    } finally {
      if (!options.dryRun()) {
        mergeJournal(journal);
      }
      state.unpersist();
    }
    String status =
        options.dryRun()
            ? "dry_run"
            : error.isPresent() ? "failed" : rejected.get() > 0 ? "partial" : "ok";
    lines.add(
        d.name()
            + ": "
            + status
            + (options.dryRun()
                ? ""
                : ", "
                    + acked.get()
                    + " acknowledged, "
                    + rejected.get()
                    + " rejected (kept in export_state with the reason), "
                    + connector.requests()
                    + " requests, "
                    + connector.retried()
                    + " retried")
            + error.map(e -> ": " + e).orElse(""));
    return new Outcome(
        d,
        started,
        (System.nanoTime() - t0) / 1_000_000,
        sent.get(),
        acked.get(),
        rejected.get(),
        connector.retried(),
        connector.requests(),
        status,
        error,
        lines);
  }

  /**
   * Sends the changes in batches, {@code concurrency} at a time; each batch's answers are
   * journalled as soon as they come back. Returns {sent, adds, changes, removes}.
   */
  private long[] send(
      Destination d,
      Entity entity,
      Connector connector,
      Dataset<Row> changes,
      AckJournal journal,
      String runId,
      LocalDate date,
      AtomicLong acked,
      AtomicLong rejected) {
    long[] counts = new long[4];
    ExecutorService pool = Executors.newFixedThreadPool(d.concurrency());
    Semaphore inFlight = new Semaphore(d.concurrency() * 2);
    AtomicReference<RuntimeException> stop = new AtomicReference<>();
    List<Future<?>> futures = new ArrayList<>();
    try {
      Iterator<Row> rows = changes.toLocalIterator();
      List<Change> batch = new ArrayList<>();
      while (rows.hasNext() && stop.get() == null) {
        Change c = ExportRecords.change(entity, rows.next());
        counts[0]++;
        counts[1 + c.kind().ordinal()]++;
        batch.add(c);
        if (batch.size() == d.batchSize() || !rows.hasNext()) {
          List<Change> b = batch;
          batch = new ArrayList<>();
          inFlight.acquireUninterruptibly();
          futures.add(
              pool.submit(
                  () -> {
                    try {
                      if (stop.get() != null) {
                        return;
                      }
                      List<Ack> acks = sendBatch(d, entity, connector, b);
                      List<ObjectNode> journalRows = new ArrayList<>();
                      Timestamp now = Timestamp.from(Instant.now());
                      for (Ack a : acks) {
                        journalRows.add(stateRow(d, a, runId, now, date));
                        (a.ok() ? acked : rejected).incrementAndGet();
                      }
                      journal.write(journalRows);
                    } catch (RuntimeException e) {
                      stop.compareAndSet(null, e);
                    } finally {
                      inFlight.release();
                    }
                  }));
        }
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while exporting", e);
        } catch (java.util.concurrent.ExecutionException e) {
          stop.compareAndSet(null, new IllegalStateException(e.getCause()));
        }
      }
    } finally {
      pool.shutdownNow();
    }
    if (stop.get() != null) {
      throw stop.get();
    }
    return counts;
  }

  /** A batch less the records that cannot be sent (no id value), which are rejected here. */
  private static List<Ack> sendBatch(
      Destination d, Entity entity, Connector connector, List<Change> batch) {
    List<Ack> acks = new ArrayList<>();
    List<Change> sendable = new ArrayList<>();
    for (Change c : batch) {
      if (c.key() == null || c.key().isBlank()) {
        acks.add(
            Ack.rejected(c, "no " + d.idColumn(entity) + " to identify it in " + d.type().key()));
      } else {
        sendable.add(c);
      }
    }
    if (!sendable.isEmpty()) {
      acks.addAll(connector.send(entity, sendable));
    }
    return acks;
  }

  private static ObjectNode stateRow(
      Destination d, Ack a, String runId, Timestamp now, LocalDate date) {
    Change c = a.change();
    if (a.ok()) {
      return AckJournal.row(
          d.name(),
          c.entity().key,
          c.entityId(),
          c.key(),
          c.hash(),
          c.segments(),
          a.remoteId().orElse(null),
          "ok",
          0,
          null,
          runId,
          now,
          date);
    }
    // Rejected: what the destination holds is still what it acknowledged before.
    return AckJournal.row(
        d.name(),
        c.entity().key,
        c.entityId(),
        c.key(),
        c.acknowledgedHash(),
        c.acknowledged(),
        c.remoteId().orElse(null),
        "failed",
        c.attempts() + 1,
        a.error().orElse("rejected"),
        runId,
        null,
        date);
  }

  private String dryRun(Destination d, Entity entity, Dataset<Row> changes) {
    long[] counts = new long[3];
    List<String> sample = new ArrayList<>();
    Iterator<Row> rows = changes.toLocalIterator();
    while (rows.hasNext()) {
      Change c = ExportRecords.change(entity, rows.next());
      counts[c.kind().ordinal()]++;
      if (sample.size() < 5) {
        sample.add(
            c.kind().name().toLowerCase(java.util.Locale.ROOT)
                + " "
                + c.entityId()
                + " "
                + c.segments()
                + (c.entered().isEmpty() ? "" : " +" + c.entered())
                + (c.exited().isEmpty() ? "" : " -" + c.exited())
                + " "
                + c.values());
      }
    }
    return d.name()
        + " "
        + entity.key
        + "s: would send "
        + (counts[0] + counts[1] + counts[2])
        + " ("
        + counts[0]
        + " adds, "
        + counts[1]
        + " changes, "
        + counts[2]
        + " removes)"
        + (sample.isEmpty() ? "" : "; e.g.\n      " + String.join("\n      ", sample));
  }

  private Connector connector(Destination d) {
    String credential = env.get(d.credentialEnv());
    return switch (d.type()) {
      case HUBSPOT -> new HubSpotConnector(d, credential);
      case INTERCOM -> new IntercomConnector(d, credential);
      case SEGMENT -> new SegmentConnector(d, credential);
      case FILES -> throw new IllegalStateException("files are written by FileExport");
    };
  }

  private Dataset<Row> state(Destination d) {
    Dataset<Row> state =
        warehouse
            .readIfExists(TableNames.EXPORT_STATE)
            .orElse(spark.createDataFrame(List.of(), TableCatalog.EXPORT_STATE.schema()));
    return state.where(col("destination").equalTo(d.name())).cache();
  }

  private static Map<String, String> remoteIds(Dataset<Row> state, String entity) {
    Map<String, String> ids = new LinkedHashMap<>();
    for (Row r :
        state
            .where(col("entity").equalTo(entity).and(col("remote_id").isNotNull()))
            .select("entity_id", "remote_id")
            .collectAsList()) {
      ids.put(r.getString(0), r.getString(1));
    }
    return ids;
  }

  /** Merges finished journal files (this run's, or a killed run's) into export_state. */
  private void mergeJournal(AckJournal journal) {
    List<org.apache.hadoop.fs.Path> files = journal.files();
    if (files.isEmpty()) {
      return;
    }
    warehouse.merge(TableCatalog.EXPORT_STATE, journal.latest(files));
    journal.delete(files);
  }

  /** The latest date this destination was exported for, if after {@code date}. */
  private Optional<LocalDate> laterExport(Destination d, LocalDate date) {
    Optional<Dataset<Row>> runs = warehouse.readIfExists(TableNames.EXPORT_RUNS);
    if (runs.isEmpty()) {
      return Optional.empty();
    }
    List<Row> later =
        runs.get()
            .where(
                col("destination")
                    .equalTo(d.name())
                    .and(col("status").isin("ok", "partial"))
                    .and(col("as_of_date").gt(lit(Date.valueOf(date)))))
            .agg(org.apache.spark.sql.functions.max("as_of_date"))
            .collectAsList();
    return later.isEmpty() || later.get(0).isNullAt(0)
        ? Optional.empty()
        : Optional.of(later.get(0).getDate(0).toLocalDate());
  }

  private void writeRuns(String runId, LocalDate date, List<Outcome> outcomes) {
    List<Row> rows = new ArrayList<>();
    for (Outcome o : outcomes) {
      rows.add(
          RowFactory.create(
              runId,
              Date.valueOf(date),
              o.destination().name(),
              o.destination().type().key(),
              Timestamp.from(o.started()),
              o.durationMs(),
              o.sent(),
              o.acknowledged(),
              o.rejected(),
              o.retried(),
              o.requests(),
              o.status(),
              o.error().orElse(null)));
    }
    warehouse.append(
        TableCatalog.EXPORT_RUNS, spark.createDataFrame(rows, TableCatalog.EXPORT_RUNS.schema()));
  }
}
