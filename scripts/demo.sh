#!/usr/bin/env bash
# The whole pipeline on generated sample data, on an embedded local Spark:
# builds if needed, generates DAYS (default 30) days of sample events ending yesterday,
# runs every stage for every day, and prints what it made.
# Everything goes under work/demo/ (git-ignored); a rerun starts the warehouse afresh.
# Arguments are passed on as options, e.g. scripts/demo.sh -Dfeatures.windows=[1,7,30].
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

days="${DAYS:-30}"
users="${USERS:-400}"
accounts="${ACCOUNTS:-50}"
demo="work/demo"
start="$(date -u -d "-${days} days" +%F)"
end="$(date -u -d "-1 day" +%F)"
# Small-data settings for a laptop: a day of the demo is ~750 events, so fixed costs per Spark
# job dominate; no adaptive re-planning, 2 shuffle partitions, no UI (docs/benchmarks.md).
small=('-Dspark.conf."spark.sql.adaptive.enabled"=false' '-Dspark.conf."spark.sql.shuffle.partitions"=2'
  '-Dspark.conf."spark.databricks.delta.snapshotPartitions"=1' '-Dspark.conf."spark.ui.enabled"=false')
opts=(-Dinput.path="$demo/input" -Dwarehouse.path="$demo/warehouse" -Dcatalog.database="" "${small[@]}" "$@")

began=$(date +%s)
rm -rf "$demo/warehouse"
scripts/segments generate "${opts[@]}" --output "$demo/input" --start "$start" --days "$days" \
  --users "$users" --accounts "$accounts" --seed 42
SEGMENTS_SKIP_BUILD=1 scripts/segments run "${opts[@]}" --from "$start" --to "$end"
echo
SEGMENTS_SKIP_BUILD=1 scripts/segments summary "${opts[@]}"
echo "demo: $days days, $users users, $accounts accounts in $(( $(date +%s) - began )) s; tables under $demo/warehouse"
