#!/usr/bin/env bash
# End to end on a real Spark standalone cluster: starts the cluster (scripts/standalone-cluster.sh),
# generates DAYS (default 3) days of sample data, submits the whole `run` for those days with
# scripts/spark-submit.sh in client mode to the cluster, runs the same in local mode into a second
# warehouse, compares every output table row for row (`segments compare`), and stops the cluster.
# Exits non-zero if a step fails or any table differs. Everything goes under work/cluster-e2e/.
# Arguments are passed on to both runs, e.g. scripts/cluster-e2e.sh -Dfeatures.windows=[1,7,30].
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

days="${DAYS:-3}"
users="${USERS:-150}"
accounts="${ACCOUNTS:-15}"
out="$root/work/cluster-e2e"
port="${CLUSTER_PORT:-7077}"
start_day="2026-03-01"
end_day="$(date -u -d "$start_day + $((days - 1)) days" +%F)"
began=$(date +%s)
step() { echo "cluster-e2e: [$(( $(date +%s) - began )) s] $*"; }

step "building the application jar"
mvn -B -q -DskipTests package
export SEGMENTS_SKIP_BUILD=1

rm -rf "$out"
mkdir -p "$out"
scripts/standalone-cluster.sh stop >/dev/null 2>&1 || true
trap 'scripts/standalone-cluster.sh stop' EXIT
step "starting the standalone cluster"
scripts/standalone-cluster.sh start

# The same settings for both runs; only the master differs. Small data: the demo's settings.
source "$root/scripts/small-data-opts.sh"
opts=(-Dinput.path="$out/input" -Dcatalog.database="" "${small_data_opts[@]}" "$@")

step "generating $days days of sample data ($users users, $accounts accounts)"
scripts/segments generate "${opts[@]}" --output "$out/input" --start "$start_day" --days "$days" \
  --users "$users" --accounts "$accounts" --seed 11

step "spark-submit run --from $start_day --to $end_day on spark://127.0.0.1:$port (client mode)"
t0=$(date +%s)
scripts/spark-submit.sh --master "spark://127.0.0.1:$port" --deploy-mode client \
  --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
  --conf spark.executor.memory=1g --conf spark.cores.max=2 \
  run "${opts[@]}" -Dwarehouse.path="$out/warehouse-cluster" --from "$start_day" --to "$end_day" \
  2>"$out/cluster-run.log" || { tail -40 "$out/cluster-run.log"; exit 1; }
cluster_s=$(( $(date +%s) - t0 ))
executors=$(cat "$root"/work/cluster/logs/worker-*.log | grep -c "Asked to launch executor" || true)
step "cluster run done in ${cluster_s} s ($executors executors ran on the workers)"
if [[ "$executors" -lt 1 ]]; then
  echo "cluster-e2e: no executor ran on the cluster's workers" >&2
  exit 1
fi

# The local run also records a class-data sharing archive (README "Faster starts"), and compare
# must map it: -Xshare:on makes the JVM stop if it cannot.
export SEGMENTS_CDS_ARCHIVE="$out/segments.jsa"
step "the same run in local mode (recording $SEGMENTS_CDS_ARCHIVE)"
t0=$(date +%s)
scripts/segments run "${opts[@]}" -Dwarehouse.path="$out/warehouse-local" --from "$start_day" --to "$end_day" \
  2>"$out/local-run.log" || { tail -40 "$out/local-run.log"; exit 1; }
local_s=$(( $(date +%s) - t0 ))
step "local run done in ${local_s} s"
[[ -s "$SEGMENTS_CDS_ARCHIVE" ]] || { echo "cluster-e2e: the local run recorded no class-data sharing archive" >&2; exit 1; }

step "comparing every table (mapping the archive)"
SEGMENTS_JVM_OPTS="-XX:TieredStopAtLevel=1 -Xshare:on" \
  scripts/segments compare "${opts[@]}" "$out/warehouse-cluster" "$out/warehouse-local" 2>"$out/compare.log" \
  | tee "$out/compare.txt" || { tail -20 "$out/compare.log"; exit 1; }
step "passed: cluster run ${cluster_s} s, local run ${local_s} s, total $(( $(date +%s) - began )) s"
