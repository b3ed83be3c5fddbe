package dev.segments.jobs.segments;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.segments.common.UserError;
import dev.segments.common.segments.SegmentDefinition;
import dev.segments.common.tables.TableNames;
import dev.segments.jobs.pipeline.StageContext;
import dev.segments.jobs.pipeline.WithStageContext;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.storage.StorageLevel;

/**
 * What changing the definitions would do ({@code segments plan}): the working definitions against
 * the deployed ones (the active rows of {@code segment_definitions}, by hash), and for every new,
 * changed and removed segment its members on a date now (in {@code segment_members}) and under the
 * working definitions (evaluated on the date's stored tables), with who would enter and exit.
 * Writes nothing.
 */
public final class Planner extends WithStageContext {

  /** How a segment differs from the deployed one. */
  public enum Change {
    NEW("+", "new"),
    CHANGED("~", "changed"),
    REMOVED("-", "removed");

    public final String mark;
    public final String word;

    Change(String mark, String word) {
      this.mark = mark;
      this.word = word;
    }
  }

  /**
   * One segment that would change.
   *
   * @param enteredSample the first ids (sorted) of those that would enter
   * @param exitedSample the first ids (sorted) of those that would exit
   */
  public record Item(
      String segment,
      String entity,
      Change change,
      long membersNow,
      long membersNew,
      long entered,
      long exited,
      List<String> enteredSample,
      List<String> exitedSample) {}

  /** The plan on one date. */
  public record Plan(LocalDate date, int segments, List<Item> items) {
    public boolean changes() {
      return !items.isEmpty();
    }

    /** As the command prints it. */
    public List<String> lines() {
      List<String> out = new ArrayList<>();
      out.add(
          "plan: the working definitions ("
              + segments
              + " segments) against segment_definitions, members on "
              + date);
      for (Item i : items) {
        out.add(
            String.format(
                "%s %-8s %s (%s): %,d -> %,d members, %,d enter, %,d exit",
                i.change().mark,
                i.change().word,
                i.segment(),
                i.entity(),
                i.membersNow(),
                i.membersNew(),
                i.entered(),
                i.exited()));
        if (!i.enteredSample().isEmpty()) {
          out.add("    enter: " + sample(i.enteredSample(), i.entered()));
        }
        if (!i.exitedSample().isEmpty()) {
          out.add("    exit: " + sample(i.exitedSample(), i.exited()));
        }
      }
      if (items.isEmpty()) {
        out.add("No changes: every segment is defined as deployed. Nothing was written.");
      } else {
        long added = items.stream().filter(i -> i.change() == Change.NEW).count();
        long changed = items.stream().filter(i -> i.change() == Change.CHANGED).count();
        long removed = items.stream().filter(i -> i.change() == Change.REMOVED).count();
        out.add(
            String.format(
                "%d segments would change (%d new, %d changed, %d removed). Nothing was written.",
                items.size(), added, changed, removed));
      }
      return out;
    }

    private static String sample(List<String> ids, long all) {
      String shown = String.join(", ", ids);
      return all > ids.size() ? shown + ", and " + (all - ids.size()) + " more" : shown;
    }

    /** As a JSON-ready map. */
    public Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("date", date.toString());
      m.put("segments", segments);
      m.put("changes", items.size());
      List<Map<String, Object>> list = new ArrayList<>();
      for (Item i : items) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("segment_id", i.segment());
        j.put("entity", i.entity());
        j.put("change", i.change().word);
        j.put("members_now", i.membersNow());
        j.put("members_new", i.membersNew());
        j.put("entered", i.entered());
        j.put("entered_sample", i.enteredSample());
        j.put("exited", i.exited());
        j.put("exited_sample", i.exitedSample());
        list.add(j);
      }
      m.put("items", list);
      return m;
    }
  }

  public Planner(StageContext context) {
    super(context);
  }

  /**
   * The plan of the working definitions {@code working} (valid) on {@code date}, or on the latest
   * date the segments stage ran when empty, with the first {@code sample} ids of those who would
   * enter and exit per segment.
   */
  public Plan plan(List<SegmentDefinition> working, Optional<LocalDate> date, int sample) {
    if (!warehouse.exists(TableNames.SEGMENT_DEFINITIONS)
        || !warehouse.exists(TableNames.SEGMENT_SIZES)) {
      throw new UserError(
          "Nothing is deployed in "
              + warehouse.root()
              + ": segment_definitions and segment_sizes are written by the segments stage"
              + " (segments run --date D)");
    }
    LocalDate day = date.orElseGet(this::latestRunDate);
    Date d = Date.valueOf(day);
    if (warehouse
        .read(TableNames.SEGMENT_SIZES)
        .where(col("as_of_date").equalTo(lit(d)))
        .isEmpty()) {
      throw new UserError(
          "The segments stage did not run on "
              + day
              + ": plan compares with the members of a date it ran (the latest is "
              + latestRunDate()
              + ")");
    }
    Map<String, Row> deployed = new LinkedHashMap<>();
    for (Row r :
        warehouse
            .read(TableNames.SEGMENT_DEFINITIONS)
            .where(col("active"))
            .select("segment_id", "entity", "hash")
            .collectAsList()) {
      deployed.put(r.getString(0), r);
    }
    Map<String, Change> changes = new LinkedHashMap<>();
    Map<String, String> entities = new LinkedHashMap<>();
    for (SegmentDefinition s : working) {
      Row was = deployed.get(s.id());
      String hash = SegmentsJob.sha256(s.definitionJson());
      if (was == null) {
        changes.put(s.id(), Change.NEW);
      } else if (!was.getString(2).equals(hash)) {
        changes.put(s.id(), Change.CHANGED);
      }
      entities.put(s.id(), s.entity().key);
    }
    for (Row r : deployed.values()) {
      if (working.stream().noneMatch(s -> s.id().equals(r.getString(0)))) {
        changes.put(r.getString(0), Change.REMOVED);
        entities.put(r.getString(0), r.getString(1));
      }
    }
    List<Item> items = new ArrayList<>();
    if (changes.isEmpty()) {
      return new Plan(day, working.size(), items);
    }
    List<String> ids = new ArrayList<>(changes.keySet());
    Dataset<Row> now =
        warehouse
            .read(TableNames.SEGMENT_MEMBERS)
            .where(col("as_of_date").equalTo(lit(d)).and(col("segment_id").isin(ids.toArray())))
            .select("segment_id", "entity_id");
    List<String> evaluated = ids.stream().filter(id -> changes.get(id) != Change.REMOVED).toList();
    SegmentsEvaluator evaluator = new SegmentsEvaluator(context);
    try {
      Dataset<Row> will = now.limit(0);
      if (!evaluated.isEmpty()) {
        List<SegmentDefinition> needed =
            Explainer.closureOf(
                working.stream().filter(s -> evaluated.contains(s.id())).toList(), working);
        will =
            evaluator
                .members(day, needed)
                .where(col("segment_id").isin(evaluated.toArray()))
                .select("segment_id", "entity_id");
      }
      Dataset<Row> both =
          now.withColumn("__now", lit(true))
              .join(
                  will.withColumn("__new", lit(true)),
                  new String[] {"segment_id", "entity_id"},
                  "full_outer")
              .persist(StorageLevel.MEMORY_AND_DISK());
      Map<String, long[]> counts = new LinkedHashMap<>();
      for (Row r :
          both.groupBy("segment_id")
              .agg(
                  sum(when(col("__now").isNotNull(), lit(1L)).otherwise(lit(0L))),
                  sum(when(col("__new").isNotNull(), lit(1L)).otherwise(lit(0L))),
                  sum(when(col("__now").isNull(), lit(1L)).otherwise(lit(0L))),
                  sum(when(col("__new").isNull(), lit(1L)).otherwise(lit(0L))))
              .collectAsList()) {
        counts.put(
            r.getString(0), new long[] {r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4)});
      }
      Map<String, List<String>> enteredSample = sample(both.where(col("__now").isNull()), sample);
      Map<String, List<String>> exitedSample = sample(both.where(col("__new").isNull()), sample);
      both.unpersist();
      for (String id : ids) {
        long[] c = counts.getOrDefault(id, new long[4]);
        items.add(
            new Item(
                id,
                entities.get(id),
                changes.get(id),
                c[0],
                c[1],
                c[2],
                c[3],
                enteredSample.getOrDefault(id, List.of()),
                exitedSample.getOrDefault(id, List.of())));
      }
    } finally {
      evaluator.release();
    }
    items.sort(
        (a, b) ->
            a.change() != b.change()
                ? a.change().compareTo(b.change())
                : a.segment().compareTo(b.segment()));
    return new Plan(day, working.size(), items);
  }

  /** The first {@code n} ids (sorted) per segment. */
  private static Map<String, List<String>> sample(Dataset<Row> rows, int n) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (n <= 0) {
      return out;
    }
    for (Row r :
        rows.withColumn(
                "__n", row_number().over(Window.partitionBy("segment_id").orderBy("entity_id")))
            .where(col("__n").leq(n))
            .orderBy("segment_id", "entity_id")
            .select("segment_id", "entity_id")
            .collectAsList()) {
      out.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r.getString(1));
    }
    return out;
  }

  private LocalDate latestRunDate() {
    Row r = warehouse.read(TableNames.SEGMENT_SIZES).agg(max("as_of_date")).first();
    if (r.isNullAt(0)) {
      throw new UserError("segment_sizes is empty: the segments stage has not run");
    }
    return r.getDate(0).toLocalDate();
  }
}
