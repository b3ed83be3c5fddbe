package dev.segments.jobs.summary;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;

import dev.segments.common.tables.TableNames;
import dev.segments.common.tables.Warehouse;
import java.io.PrintStream;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** What the warehouse holds, for people: table sizes, rejections, top events, sample features. */
public final class WarehouseSummary {
  private final Warehouse warehouse;

  public WarehouseSummary(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /** Prints to standard output (Dataset.show writes there, so everything here does too). */
  public void print(Optional<LocalDate> asOf) {
    PrintStream out = System.out;
    out.println("== Tables in " + warehouse.root());
    for (String table : TableNames.ALL) {
      out.printf("  %-22s %s%n", table, warehouse.exists(table) ? String.format("%,d rows", warehouse.read(table).count()) : "(not written yet)");
    }
    if (!warehouse.exists(TableNames.USER_FEATURES)) {
      out.println("No features yet: run segments run --date D first.");
      return;
    }
    LocalDate date = asOf.orElseGet(() ->
        warehouse.read(TableNames.USER_FEATURES).agg(max("as_of_date")).first().getDate(0).toLocalDate());
    Date day = Date.valueOf(date);

    out.println();
    out.println("== Ingest runs (read = accepted + duplicates + rejected)");
    warehouse.read(TableNames.INGEST_RUNS)
        .agg(count(lit(1)).as("days"), sum("read").as("read"), sum("accepted").as("accepted"),
            sum("duplicates").as("duplicates"), sum("rejected").as("rejected"))
        .show(5, false);
    out.println("== Rejected rows by reason (all days)");
    warehouse.read(TableNames.EVENTS_REJECTED).groupBy("reason").count()
        .orderBy(desc("count"), col("reason"))
        .show(20, false);

    out.println("== Top events, 30 days to " + date);
    warehouse.read(TableNames.USER_DAILY_ACTIVITY)
        .where(col("activity_date").between(lit(Date.valueOf(date.minusDays(29))), lit(day)))
        .groupBy("event").agg(sum("event_count").as("events"))
        .orderBy(desc("events"), col("event"))
        .show(10, false);

    Dataset<Row> users = warehouse.read(TableNames.USER_FEATURES).where(col("as_of_date").equalTo(lit(day)));
    out.println("== Users on " + date + " (most events in 30 days first)");
    users.select(existing(users, "user_id", "account_id", "role", "first_seen", "last_seen",
            "days_since_last_seen", "active_days_7d", "active_days_30d", "total_events_30d", "total_events_all_time"))
        .orderBy(desc("total_events_30d"), col("user_id"))
        .show(5, false);
    Dataset<Row> accounts = warehouse.read(TableNames.ACCOUNT_FEATURES).where(col("as_of_date").equalTo(lit(day)));
    out.println("== Accounts on " + date + " (most users first)");
    accounts.select(existing(accounts, "account_id", "plan", "member_users", "total_users", "active_users_7d",
            "active_users_30d", "total_events_30d", "days_since_last_seen"))
        .orderBy(desc("member_users"), col("account_id"))
        .show(5, false);
  }

  /** The named columns the table has (windows and traits are configurable). */
  private static Column[] existing(Dataset<Row> table, String... names) {
    List<String> have = Arrays.asList(table.columns());
    return Arrays.stream(names).filter(have::contains).map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
  }
}
