# Sourced by scripts/demo.sh and scripts/cluster-e2e.sh: Spark settings for small local data.
# A day of sample data is a few hundred events, so fixed costs per query dominate: no adaptive
# re-planning, 2 shuffle partitions, 1 Delta snapshot partition, no UI (docs/benchmarks.md).
# Generated code is left to spark.generated-code (auto: interpreted on days this small).
# A cluster run gets none of these, only reference.conf's spark.conf (8 shuffle partitions, ...).
# shellcheck disable=SC2034
small_data_opts=('-Dspark.conf."spark.sql.adaptive.enabled"=false' '-Dspark.conf."spark.sql.shuffle.partitions"=2'
  '-Dspark.conf."spark.databricks.delta.snapshotPartitions"=1' '-Dspark.conf."spark.ui.enabled"=false')
