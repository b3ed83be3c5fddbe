package dev.segments.jobs.features;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.segments.common.tables.TableCatalog;
import dev.segments.common.tables.TableNames;
import dev.segments.common.tables.Warehouse;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The account tree of one date, from each account's parent trait ({@code features.parent-trait}):
 * every account that names a parent or is named as one, with the parent the tree uses, its
 * ancestors, root, depth and how many accounts are under it.
 *
 * <p>A cycle (a chain of parents that comes back to an account; an account naming itself is the
 * shortest) is broken where the cycle's smallest account id names its parent: that account's parent
 * is dropped, so it becomes the root of what was the cycle. The rule depends on the ids only, so
 * every run of the date breaks the same edge.
 */
public final class AccountHierarchy {

  private AccountHierarchy() {}

  /** One account of the tree (a row of {@code account_hierarchy} without the date). */
  public record Node(
      String accountId,
      String parentAccountId,
      String declaredParentId,
      boolean cycleBroken,
      String rootAccountId,
      int depth,
      List<String> ancestors,
      long childAccounts,
      long descendantAccounts) {}

  /**
   * The tree, and the cycles broken: each cycle as the account ids from the smallest, following the
   * declared parents, back to the smallest ({@code [a, a]} for a self-parent).
   */
  public record Tree(List<Node> nodes, List<List<String>> cycles) {
    /** The accounts that have accounts under them. */
    public List<String> parents() {
      return nodes.stream().filter(n -> n.descendantAccounts() > 0).map(Node::accountId).toList();
    }

    /** One line per broken cycle, for the console and the log. */
    public List<String> cycleReports(String trait) {
      List<String> out = new ArrayList<>();
      for (List<String> c : cycles) {
        String smallest = c.get(0);
        out.add(
            "account hierarchy: cycle "
                + String.join(" -> ", c)
                + "; "
                + smallest
                + "'s "
                + trait
                + " ("
                + c.get(1)
                + ") is ignored, "
                + smallest
                + " is a root");
      }
      return out;
    }
  }

  /**
   * The tree of the declared parents.
   *
   * @param declared account id → the parent its trait names (non-empty; may be itself)
   */
  public static Tree resolve(Map<String, String> declared) {
    Map<String, String> parent = new TreeMap<>(declared);
    // 1. Cycles: in a graph where every account has at most one parent, walk up from each account
    //    not yet seen; reaching an account of the current walk closes a cycle.
    Map<String, Integer> state = new HashMap<>(); // absent: unseen, 1: on the walk, 2: done
    List<List<String>> cycles = new ArrayList<>();
    for (String start : new TreeSet<>(declared.keySet())) {
      List<String> walk = new ArrayList<>();
      String at = start;
      while (at != null && !state.containsKey(at)) {
        state.put(at, 1);
        walk.add(at);
        at = declared.get(at);
      }
      if (at != null && state.get(at) == 1) {
        List<String> loop = walk.subList(walk.indexOf(at), walk.size());
        String smallest = Collections.min(loop);
        List<String> ordered = new ArrayList<>();
        String x = smallest;
        do {
          ordered.add(x);
          x = declared.get(x);
        } while (!x.equals(smallest));
        ordered.add(smallest);
        cycles.add(ordered);
        parent.remove(smallest);
      }
      walk.forEach(w -> state.put(w, 2));
    }
    cycles.sort((a, b) -> a.get(0).compareTo(b.get(0)));

    // 2. Ancestors of every account, nearest first (no cycles left: every walk ends at a root).
    TreeSet<String> accounts = new TreeSet<>(declared.keySet());
    accounts.addAll(declared.values());
    Map<String, List<String>> ancestors = new HashMap<>();
    for (String a : accounts) {
      List<String> up = new ArrayList<>();
      String p = parent.get(a);
      while (p != null) {
        List<String> known = ancestors.get(p);
        up.add(p);
        if (known != null) {
          up.addAll(known);
          break;
        }
        p = parent.get(p);
      }
      ancestors.put(a, up);
    }
    Map<String, Long> children = new HashMap<>();
    Map<String, Long> descendants = new HashMap<>();
    for (String a : accounts) {
      String p = parent.get(a);
      if (p != null) {
        children.merge(p, 1L, Long::sum);
      }
      for (String up : ancestors.get(a)) {
        descendants.merge(up, 1L, Long::sum);
      }
    }
    List<Node> nodes = new ArrayList<>();
    for (String a : accounts) {
      List<String> up = ancestors.get(a);
      String declaredParent = declared.get(a);
      nodes.add(
          new Node(
              a,
              parent.get(a),
              declaredParent,
              declaredParent != null && !parent.containsKey(a),
              up.isEmpty() ? a : up.get(up.size() - 1),
              up.size(),
              List.copyOf(up),
              children.getOrDefault(a, 0L),
              descendants.getOrDefault(a, 0L)));
    }
    return new Tree(List.copyOf(nodes), List.copyOf(cycles));
  }

  /** The tree's rows of {@code account_hierarchy} on {@code date}. */
  public static Dataset<Row> rows(SparkSession spark, Tree tree, LocalDate date) {
    Date day = Date.valueOf(date);
    List<Row> rows = new ArrayList<>();
    for (Node n : tree.nodes()) {
      rows.add(
          RowFactory.create(
              day,
              n.accountId(),
              n.parentAccountId(),
              n.declaredParentId(),
              n.cycleBroken(),
              n.rootAccountId(),
              n.depth(),
              n.ancestors(),
              n.childAccounts(),
              n.descendantAccounts()));
    }
    return spark.createDataFrame(rows, TableCatalog.ACCOUNT_HIERARCHY.schema());
  }

  /**
   * {@code (account_id, rollup_account_id)}: for every account of the tree, each account whose
   * {@code parent} row counts it: its ancestors, and itself when it has accounts under it. A user
   * of account A counts in the parent rows of exactly these rollup accounts.
   *
   * @param hierarchy rows of {@code account_hierarchy} of one date
   */
  public static Dataset<Row> rollups(Dataset<Row> hierarchy) {
    Column self =
        when(col("descendant_accounts").gt(0), array(col("account_id")))
            .otherwise(array().cast("array<string>"));
    return hierarchy
        .select(
            col("account_id"),
            explode(concat(self, coalesce(col("ancestors"), array().cast("array<string>"))))
                .as("rollup_account_id"))
        .distinct();
  }

  /**
   * The rollups of {@code date} from the stored {@code account_hierarchy} (none when the table or
   * the date has no rows: no hierarchy, or a date written before hierarchies).
   */
  public static Dataset<Row> rollupsOn(Warehouse warehouse, SparkSession spark, LocalDate date) {
    if (!warehouse.exists(TableNames.ACCOUNT_HIERARCHY)) {
      return spark.createDataFrame(
          List.of(),
          new org.apache.spark.sql.types.StructType()
              .add("account_id", "string")
              .add("rollup_account_id", "string"));
    }
    return rollups(
        warehouse
            .read(TableNames.ACCOUNT_HIERARCHY)
            .where(col("as_of_date").equalTo(lit(Date.valueOf(date)))));
  }

  /**
   * A rows' {@code level}, {@code leaf} for rows written before the column existed (a table without
   * it, or its older rows).
   */
  public static Column levelOf(Dataset<Row> rows) {
    return java.util.Arrays.asList(rows.columns()).contains("level")
        ? coalesce(col("level"), lit(LEAF))
        : lit(LEAF);
  }

  /**
   * Whether the row is its account's only row among rows partitioned by {@code partition} (an
   * account without a parent row, or a parent known only as a parent).
   */
  public static Column soleRow(Column... partition) {
    return org.apache
        .spark
        .sql
        .functions
        .count(lit(1))
        .over(org.apache.spark.sql.expressions.Window.partitionBy(partition))
        .equalTo(1);
  }

  public static final String LEAF = "leaf";
  public static final String PARENT = "parent";
}
