package dev.segments.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import dev.segments.common.UserError;
import dev.segments.common.config.InputSettings;
import dev.segments.common.tables.TableCatalog;
import dev.segments.common.tables.TableNames;
import dev.segments.jobs.pipeline.StageContext;
import dev.segments.jobs.pipeline.WithStageContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingest for one day D: reads {@code <input.path>/dt=D}, validates every row, drops duplicates and
 * writes the accepted events and everything else.
 *
 * <p>Reads: the day's input; {@code events} of the previous {@code ingest.lookback-days} (for
 * duplicate messageIds); {@code user_traits}, {@code account_traits}. Writes, one commit each:
 * {@code events} (rows with {@code ingest_date = D}; partitioned by {@code event_date}, so late
 * events land on their own day), {@code events_rejected}, {@code memberships}, {@code user_traits},
 * {@code account_traits}, and last {@code ingest_runs} (the summary; features reads the touched
 * dates from it).
 *
 * <p>Scales with the day's input plus the lookback's message ids. Rerun of D: the rows of D are
 * replaced, so the tables are the same as after the first run.
 */
public final class IngestJob extends WithStageContext {
  private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);

  public IngestJob(StageContext context) {
    super(context);
  }

  /** The folder holding day D's raw input. */
  public static String inputFolder(String inputRoot, LocalDate date) {
    String root =
        inputRoot.endsWith("/") ? inputRoot.substring(0, inputRoot.length() - 1) : inputRoot;
    return root + "/dt=" + date;
  }

  public IngestSummary run(LocalDate date) {
    int lookback = settings.ingest().lookbackDays();
    Input input = classifiedInput(date, lookback);
    Dataset<Row> classified = input.rows();
    Dataset<Row> marked = null;
    EventParsing.Marked m = null;
    try {
      m =
          EventParsing.markDuplicates(
              classified, knownMessageIds(date, lookback), settings.ingest().duplicateRankLimit());
      marked = m.rows();
      if (m.everyRowRanked()) {
        // The ranked rows replace the classified ones as what every table write reads.
        LOG.info(
            "More than {} losing duplicate rows on {}: ranking every row (ingest.duplicate-rank-limit)",
            settings.ingest().duplicateRankLimit(),
            date);
        marked = marked.persist(StorageLevel.MEMORY_AND_DISK());
      }
      IngestSummary summary = summarize(date, input.count(), marked);
      if (!summary.balanced()) {
        throw new IllegalStateException(
            "Cannot ingest "
                + date
                + ": row counts do not add up (read "
                + summary.read()
                + " != accepted "
                + summary.accepted()
                + " + duplicates "
                + summary.duplicates()
                + " + rejected "
                + summary.rejected()
                + "); nothing was written (this is a bug: report it)");
      }
      write(date, marked, summary);
      return summary;
    } finally {
      if (marked != null) {
        marked.unpersist();
      }
      if (m != null) {
        m.release();
      }
      classified.unpersist();
    }
  }

  /** The day's classified rows (cached, with row ids) and how many there are. */
  private record Input(Dataset<Row> rows, long count) {}

  /**
   * Reads, parses and classifies the day's input, caches it and counts it. A file that cannot be
   * read to its end fails that count: it is then quarantined (one {@code unreadable_file} row) and
   * the day is read again without it, until every remaining file reads. Sub-folders are quarantined
   * as {@code not_a_file}; zero-byte files hold no line and are skipped.
   */
  private Input classifiedInput(LocalDate date, int lookback) {
    InputSettings input = settings.input();
    String folder = inputFolder(input.path(), date);
    Optional<DayFolder> listing = listDay(folder, date);
    List<String> files = new ArrayList<>(listing.map(DayFolder::files).orElse(List.of()));
    boolean whole = listing.map(DayFolder::readableAsAWhole).orElse(false);
    List<Row> quarantined = new ArrayList<>();
    listing.ifPresent(
        l -> {
          for (String sub : l.folders()) {
            LOG.warn("Ingest {}: {} is a folder; its files are not read (not_a_file)", date, sub);
            quarantined.add(
                quarantineRow(
                    sub,
                    RejectReason.NOT_A_FILE,
                    "a folder inside the day folder: the files under it are not read"
                        + " (put them in "
                        + folder
                        + " itself)"));
          }
          for (String empty : l.emptyFiles()) {
            LOG.info("Ingest {}: {} is empty (0 bytes): skipped", date, empty);
          }
        });
    while (true) {
      Dataset<Row> classified = null;
      try {
        Dataset<Row> lines = readLines(whole ? List.of(folder) : files, files);
        Dataset<Row> rows = EventParsing.classify(lines, date, lookback, rejectWithoutOffset());
        if (!quarantined.isEmpty()) {
          rows = rows.unionByName(spark.createDataFrame(quarantined, CLASSIFIED_SCHEMA));
        }
        classified =
            EventParsing.withRowIds(rows.select(CLASSIFIED_COLUMNS))
                .persist(StorageLevel.MEMORY_AND_DISK());
        long count = classified.count();
        return new Input(classified, count);
      } catch (Exception e) { // Spark's SparkException is checked, and thrown from Scala unchecked
        if (classified != null) {
          classified.unpersist();
        }
        Optional<String> bad =
            DayFolder.unreadableFile(e).flatMap(p -> listing.flatMap(l -> l.find(p)));
        if (bad.isEmpty() || !files.contains(bad.get())) {
          throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
        String error = rootMessage(e);
        LOG.warn(
            "Ingest {}: {} cannot be read ({}); quarantined as unreadable_file, reading the rest",
            date,
            bad.get(),
            error);
        files.remove(bad.get());
        whole = false;
        quarantined.add(quarantineRow(bad.get(), RejectReason.UNREADABLE_FILE, error));
      }
    }
  }

  private boolean rejectWithoutOffset() {
    return settings.ingest().rejectTimestampsWithoutOffset();
  }

  /** The day folder's listing, or empty for a missing folder when missing days are allowed. */
  private Optional<DayFolder> listDay(String folder, LocalDate date) {
    try {
      Path path = new Path(folder);
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(path)) {
        if (!settings.input().allowMissingDay()) {
          throw new UserError(
              "Cannot ingest "
                  + date
                  + ": no input folder "
                  + folder
                  + " (check input.path and the date, or set input.allow-missing-day = true to ingest an empty day)");
        }
        LOG.warn(
            "No input folder {}: ingesting {} as an empty day (input.allow-missing-day = true)",
            folder,
            date);
        return Optional.empty();
      }
      if (!fs.getFileStatus(path).isDirectory()) {
        throw new UserError(
            "Cannot ingest "
                + date
                + ": "
                + folder
                + " is a file, not a folder (input.path holds one folder dt=YYYY-MM-DD per day)");
      }
      return Optional.of(DayFolder.list(fs, path));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot ingest: cannot list input folder " + folder, e);
    }
  }

  /**
   * The lines (JSON) or rows (Parquet) of these paths (the day folder, or its files), as {@code
   * (source_file, raw, parsed)}.
   *
   * @param files the files the paths hold (read one by one when Parquet schemas conflict)
   */
  private Dataset<Row> readLines(List<String> paths, List<String> files) {
    if (paths.isEmpty()) {
      StructType lines =
          new StructType()
              .add("source_file", DataTypes.StringType)
              .add("raw", DataTypes.StringType);
      return EventParsing.parseJson(spark.createDataFrame(List.of(), lines));
    }
    String[] p = paths.toArray(String[]::new);
    return switch (settings.input().format()) {
      case JSON ->
          EventParsing.parseJson(
              spark
                  .read()
                  .text(p)
                  // Blank lines (between CRLF pairs, at the end of a file) are not events.
                  .where(trim(col("value")).notEqual(lit("")))
                  .select(col("_metadata.file_path").as("source_file"), col("value").as("raw")));
      case PARQUET -> {
        // Files written by different producers may name different columns: their union is read
        // (a missing column reads as null and is judged like a missing JSON field).
        Dataset<Row> rows;
        try {
          rows =
              spark
                  .read()
                  .option("mergeSchema", "true")
                  .parquet(p)
                  .withColumn("_source_file", col("_metadata.file_path"));
        } catch (Exception e) { // Spark's AnalysisException is checked, and thrown unchecked
          if (!isSchemaConflict(e)) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
          }
          LOG.warn(
              "Parquet files of the day give one column different types ({}): each file is read"
                  + " on its own, the conflicting columns as text",
              rootMessage(e));
          rows = eachFileWithConflictsAsText(files);
        }
        yield EventParsing.fromParquet(rows, "_source_file");
      }
    };
  }

  /** Whether Spark could not merge the Parquet files' schemas (one column, two types). */
  static boolean isSchemaConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (m.contains("CANNOT_MERGE") || m.contains("Failed to merge")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The files read one by one and unioned by column name; a column whose type differs between files
   * is read as text in all of them (JSON text for nested values), which ingest then judges like a
   * JSON field of that text.
   */
  private Dataset<Row> eachFileWithConflictsAsText(List<String> files) {
    List<Dataset<Row>> parts = new ArrayList<>();
    Map<String, java.util.Set<DataType>> types = new java.util.HashMap<>();
    for (String file : files) {
      Dataset<Row> part =
          spark.read().parquet(file).withColumn("_source_file", col("_metadata.file_path"));
      for (StructField f : part.schema().fields()) {
        types.computeIfAbsent(f.name(), k -> new java.util.HashSet<>()).add(f.dataType());
      }
      parts.add(part);
    }
    Dataset<Row> union = null;
    for (Dataset<Row> part : parts) {
      List<Column> columns = new ArrayList<>();
      for (StructField f : part.schema().fields()) {
        Column c = col("`" + f.name() + "`");
        if (types.get(f.name()).size() > 1) {
          boolean nested =
              f.dataType() instanceof StructType
                  || f.dataType() instanceof org.apache.spark.sql.types.MapType
                  || f.dataType() instanceof org.apache.spark.sql.types.ArrayType;
          c = (nested ? org.apache.spark.sql.functions.to_json(c) : c.cast("string")).as(f.name());
        }
        columns.add(c);
      }
      Dataset<Row> typed = part.select(columns.toArray(Column[]::new));
      union = union == null ? typed : union.unionByName(typed, true);
    }
    return union;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getClass().getSimpleName() + ": " + root.getMessage();
    return message.length() > 2000 ? message.substring(0, 2000) : message;
  }

  private static final StructType CLASSIFIED_SCHEMA =
      new StructType()
          .add("source_file", DataTypes.StringType)
          .add("raw", DataTypes.StringType)
          .add("message_id", DataTypes.StringType)
          .add("type", DataTypes.StringType)
          .add("event", DataTypes.StringType)
          .add("user_id", DataTypes.StringType)
          .add("group_id", DataTypes.StringType)
          .add("timestamp", DataTypes.TimestampType)
          .add("event_date", DataTypes.DateType)
          .add("properties", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
          .add("traits", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
          .add("reason", DataTypes.StringType);

  /** The classified columns in order (row ids are added after). */
  private static final Column[] CLASSIFIED_COLUMNS =
      Arrays.stream(CLASSIFIED_SCHEMA.fieldNames())
          .map(org.apache.spark.sql.functions::col)
          .toArray(Column[]::new);

  /** A quarantined file or folder as a classified row: the path, the reason, the error as raw. */
  private static Row quarantineRow(String path, RejectReason reason, String raw) {
    return RowFactory.create(
        path, raw, null, null, null, null, null, null, null, null, null, reason.code());
  }

  /** Message ids accepted on the previous lookback days (not D itself: a rerun replaces those). */
  private Dataset<Row> knownMessageIds(LocalDate date, int lookback) {
    StructType idOnly = new StructType().add("message_id", DataTypes.StringType);
    if (lookback == 0 || !warehouse.exists(TableNames.EVENTS)) {
      return spark.createDataFrame(List.of(), idOnly);
    }
    Date from = Date.valueOf(date.minusDays(lookback));
    Date to = Date.valueOf(date.minusDays(1));
    return warehouse
        .read(TableNames.EVENTS)
        // ingest_date >= D - L implies event_date >= D - 2L: lets Delta prune partitions.
        .where(col("event_date").geq(lit(Date.valueOf(date.minusDays(2L * lookback)))))
        .where(col("event_date").leq(lit(to)))
        .where(col("ingest_date").between(lit(from), lit(to)))
        .select(col("message_id"));
  }

  private IngestSummary summarize(LocalDate date, long read, Dataset<Row> marked) {
    // One pass over the cached rows: counts per outcome, and per event date for accepted rows
    // (those dates are the days this ingest touched).
    Column outcome =
        when(col("duplicate"), lit("duplicate"))
            .when(col("reason").isNotNull(), col("reason"))
            .otherwise(lit("accepted"));
    Dataset<Row> outcomes =
        marked
            .select(
                outcome.as("outcome"),
                when(outcome.equalTo("accepted"), col("event_date")).as("event_date"))
            .groupBy("outcome", "event_date")
            .count();
    long accepted = 0;
    long duplicates = 0;
    long rejected = 0;
    Map<String, Long> byReason = new HashMap<>();
    java.util.TreeSet<LocalDate> touched = new java.util.TreeSet<>();
    for (Row r : outcomes.collectAsList()) {
      String kind = r.getAs("outcome");
      long n = r.<Long>getAs("count");
      switch (kind) {
        case "accepted" -> {
          accepted += n;
          touched.add(r.<Date>getAs("event_date").toLocalDate());
        }
        case "duplicate" -> duplicates += n;
        default -> {
          rejected += n;
          byReason.merge(kind, n, Long::sum);
        }
      }
    }
    return new IngestSummary(
        date, read, accepted, duplicates, rejected, byReason, List.copyOf(touched));
  }

  private static Dataset<Row> accepted(Dataset<Row> marked) {
    return marked.where(col("reason").isNull().and(col("duplicate").unary_$bang()));
  }

  private void write(LocalDate date, Dataset<Row> marked, IngestSummary summary) {
    startHistories();
    Date day = Date.valueOf(date);
    Dataset<Row> acceptedEvents = accepted(marked);
    Dataset<Row> events =
        acceptedEvents.select(
            col("message_id"),
            col("type"),
            col("event"),
            col("user_id"),
            col("group_id"),
            col("timestamp"),
            col("event_date"),
            lit(day).as("ingest_date"),
            col("properties"),
            col("traits"),
            col("source_file"));
    Dataset<Row> rejected =
        marked
            .where(col("reason").isNotNull().or(col("duplicate")))
            .select(
                lit(day).as("ingest_date"),
                when(col("duplicate"), lit(RejectReason.DUPLICATE_MESSAGE_ID.code()))
                    .otherwise(col("reason"))
                    .as("reason"),
                col("source_file"),
                col("raw"),
                col("message_id"),
                col("event_date"));
    Dataset<Row> memberships =
        acceptedEvents
            .where(
                col("group_id")
                    .isNotNull()
                    .and(col("user_id").isNotNull())
                    .and(col("type").isin("group", "identify")))
            .select(
                col("user_id"),
                col("group_id").as("account_id"),
                col("timestamp").as("assigned_at"),
                col("type").as("source"),
                col("message_id"),
                lit(day).as("ingest_date"));
    Dataset<Row> identifies =
        acceptedEvents
            .where(col("type").equalTo("identify"))
            .select(col("user_id"), col("traits"), col("timestamp"), col("message_id"));
    Dataset<Row> dayUsers = Traits.latest(identifies, "user_id");
    Dataset<Row> userTraits =
        Traits.merge(
            warehouse.readIfExists(TableNames.USER_TRAITS),
            dayUsers,
            "user_id",
            settings.userTraits());
    Dataset<Row> userHistory =
        historyRows(
            TableNames.USER_TRAITS_HISTORY, dayUsers, "user_id", settings.userTraits(), date);
    Dataset<Row> groups =
        acceptedEvents
            .where(col("type").equalTo("group"))
            .select(
                col("group_id").as("account_id"),
                col("traits"),
                col("timestamp"),
                col("message_id"));
    Dataset<Row> dayAccounts = Traits.latest(groups, "account_id");
    Dataset<Row> accountTraits =
        Traits.merge(
            warehouse.readIfExists(TableNames.ACCOUNT_TRAITS),
            dayAccounts,
            "account_id",
            settings.accountTraits());
    Dataset<Row> accountHistory =
        historyRows(
            TableNames.ACCOUNT_TRAITS_HISTORY,
            dayAccounts,
            "account_id",
            settings.accountTraits(),
            date);

    // Independent tables, written side by side; ingest_runs last: it marks the day as ingested.
    warehouse.writeConcurrently(
        List.of(
            () ->
                warehouse.replaceRunDate(
                    TableCatalog.EVENTS,
                    events,
                    date,
                    Optional.of(date.minusDays(settings.ingest().lookbackDays()))),
            () -> warehouse.replaceDate(TableCatalog.EVENTS_REJECTED, rejected, date),
            () ->
                warehouse.replaceRunDate(
                    TableCatalog.MEMBERSHIPS, memberships, date, Optional.empty()),
            () -> warehouse.overwrite(TableCatalog.USER_TRAITS, userTraits),
            () -> warehouse.overwrite(TableCatalog.ACCOUNT_TRAITS, accountTraits),
            () -> warehouse.replaceDate(TableCatalog.USER_TRAITS_HISTORY, userHistory, date),
            () ->
                warehouse.replaceDate(TableCatalog.ACCOUNT_TRAITS_HISTORY, accountHistory, date)));
    warehouse.replaceRunDate(TableCatalog.INGEST_RUNS, summaryRow(summary), date, Optional.empty());
  }

  /** The first day of the trait histories: rows carried over from before the history began. */
  static final LocalDate HISTORY_START = LocalDate.of(1970, 1, 1);

  /**
   * The history rows of D: each id with calls on D, merged with its row as of the previous input
   * day. Later days' rows are never read, so a rerun of D gives D's rows whatever came after.
   */
  private Dataset<Row> historyRows(
      String historyTable,
      Dataset<Row> day,
      String idColumn,
      List<dev.segments.common.config.TraitColumn> typed,
      LocalDate date) {
    Optional<Dataset<Row>> prior =
        warehouse
            .readIfExists(historyTable)
            .map(h -> Traits.asOf(h, idColumn, date.minusDays(1), typed));
    Dataset<Row> ids = day.select(col(idColumn).as("_day_id"));
    Optional<Dataset<Row>> priorOfDay =
        prior.map(
            p ->
                p.select(
                        col(idColumn),
                        col("traits"),
                        col("first_identified_at"),
                        col("last_identified_at"))
                    .join(ids, col(idColumn).equalTo(col("_day_id")), "left_semi"));
    return Traits.merge(priorOfDay, day, idColumn, typed)
        .withColumn("ingest_date", lit(Date.valueOf(date)));
  }

  /**
   * A warehouse from before the trait histories: its latest-value rows become the histories' rows
   * of {@link #HISTORY_START}, the state before every later input day (once, before D is written).
   */
  private void startHistories() {
    Map<dev.segments.common.tables.TableSpec, String> latestOf =
        Map.of(
            TableCatalog.USER_TRAITS_HISTORY, TableNames.USER_TRAITS,
            TableCatalog.ACCOUNT_TRAITS_HISTORY, TableNames.ACCOUNT_TRAITS);
    latestOf.forEach(
        (history, latest) -> {
          if (!warehouse.exists(history.name()) && warehouse.exists(latest)) {
            LOG.info("Starting {} from {} (rows dated {})", history.name(), latest, HISTORY_START);
            warehouse.replaceDate(
                history,
                warehouse.read(latest).withColumn("ingest_date", lit(Date.valueOf(HISTORY_START))),
                HISTORY_START);
          }
        });
  }

  static final StructType RUN_SCHEMA =
      new StructType()
          .add("ingest_date", DataTypes.DateType, false)
          .add("read", DataTypes.LongType, false)
          .add("accepted", DataTypes.LongType, false)
          .add("duplicates", DataTypes.LongType, false)
          .add("rejected", DataTypes.LongType, false)
          .add(
              "rejected_by_reason",
              DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType),
              false)
          .add("touched_dates", DataTypes.createArrayType(DataTypes.DateType), false);

  private Dataset<Row> summaryRow(IngestSummary s) {
    List<Date> touched = s.touchedDates().stream().map(Date::valueOf).toList();
    Row row =
        RowFactory.create(
            Date.valueOf(s.ingestDate()),
            s.read(),
            s.accepted(),
            s.duplicates(),
            s.rejected(),
            new java.util.TreeMap<>(s.rejectedByReason()),
            touched);
    return spark.createDataFrame(List.of(row), RUN_SCHEMA);
  }
}
