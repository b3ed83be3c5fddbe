#!/usr/bin/env bash
# Worker loss on a real Spark standalone cluster (docs/reliability.md): starts a cluster of two
# Workers (scripts/standalone-cluster.sh, under work/cluster-chaos/), generates DAYS (default 3)
# days of sample data, runs them in local mode as the reference, then submits the same `run` to
# the cluster (client mode) and, once the cluster run has spent KILL_AFTER_PERCENT (default 40) %
# of the local run's time and has executors on both Workers, kills Worker 2 and its executors with
# SIGKILL (only those processes: the Worker's PID and its children). The run must complete on the
# remaining Worker, and every table must equal the reference (`segments compare`). TRIALS
# (default 1) repeats the cluster run on a fresh warehouse, with Worker 2 restarted in between.
# Exit 0 when every trial completed with identical tables. Stops the cluster when it ends.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

days="${DAYS:-3}"
users="${USERS:-150}"
accounts="${ACCOUNTS:-15}"
trials="${TRIALS:-1}"
kill_after="${KILL_AFTER_PERCENT:-40}"
out="$root/work/cluster-chaos"
export CLUSTER_DIR="$out/cluster"
export CLUSTER_PORT="${CLUSTER_PORT:-7078}"
export CLUSTER_UI_PORT="${CLUSTER_UI_PORT:-8090}"
export CLUSTER_WORKERS=2
start_day="2026-03-01"
end_day="$(date -u -d "$start_day + $((days - 1)) days" +%F)"
began=$(date +%s)
step() { echo "cluster-chaos: [$(( $(date +%s) - began )) s] $*"; }
now_ms() { date +%s%3N; }

step "building the application jar"
mvn -B -q -DskipTests package
export SEGMENTS_SKIP_BUILD=1

rm -rf "$out"
mkdir -p "$out"
trap 'scripts/standalone-cluster.sh stop >/dev/null 2>&1 || true' EXIT
step "starting the standalone cluster (2 Workers)"
scripts/standalone-cluster.sh start

source "$root/scripts/small-data-opts.sh"
opts=(-Dinput.path="$out/input" -Dcatalog.database="" "${small_data_opts[@]}" "$@")

step "generating $days days of sample data ($users users, $accounts accounts)"
scripts/segments generate "${opts[@]}" --output "$out/input" --start "$start_day" --days "$days" \
  --users "$users" --accounts "$accounts" --seed 11 >"$out/generate.log" 2>&1

step "the reference: run --from $start_day --to $end_day in local mode"
t0=$(now_ms)
scripts/segments run "${opts[@]}" -Dwarehouse.path="$out/warehouse-local" --from "$start_day" --to "$end_day" \
  2>"$out/local-run.log" >/dev/null || { tail -40 "$out/local-run.log"; exit 1; }
local_ms=$(( $(now_ms) - t0 ))
step "reference done in ${local_ms} ms"

# The PIDs of a Worker's executors: its child processes.
executors_of() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' ' || true; }

identical=0
for ((i = 1; i <= trials; i++)); do
  wh="$out/warehouse-cluster-$i"
  log="$out/cluster-run-$i.log"
  step "trial $i: spark-submit run on spark://127.0.0.1:$CLUSTER_PORT, Worker 2 killed after ${kill_after} % of ${local_ms} ms"
  t0=$(now_ms)
  scripts/spark-submit.sh --master "spark://127.0.0.1:$CLUSTER_PORT" --deploy-mode client \
    --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
    --conf spark.executor.memory=1g --conf spark.cores.max=2 \
    run "${opts[@]}" -Dwarehouse.path="$wh" --from "$start_day" --to "$end_day" >"$log" 2>&1 &
  submit=$!
  worker_pid=$(cat "$CLUSTER_DIR/worker-2.pid")
  # Wait for the moment, and for an executor on Worker 2 (else there is nothing to lose).
  while kill -0 "$submit" 2>/dev/null; do
    if (( $(now_ms) - t0 >= local_ms * kill_after / 100 )) && [[ -n "$(executors_of "$worker_pid")" ]]; then
      break
    fi
    sleep 0.2
  done
  if ! kill -0 "$submit" 2>/dev/null; then
    echo "cluster-chaos: the cluster run ended before Worker 2 could be killed" >&2
    exit 1
  fi
  killed_ms=$(( $(now_ms) - t0 ))
  executors="$(executors_of "$worker_pid" | paste -sd, -)"
  running_stage=$(grep -oE "Stage [a-z]+ for [0-9-]+ took" "$log" | tail -1 || true)
  kill -KILL "$worker_pid" $(executors_of "$worker_pid") 2>/dev/null || true
  step "trial $i: killed Worker 2 (pid $worker_pid) and its executors ($executors) at ${killed_ms} ms; last stage done before: ${running_stage:-none}"
  rc=0
  wait "$submit" || rc=$?
  lost=$(grep -c "Lost executor\|ExecutorLost\|executor lost\|Removed executor" "$log" || true)
  step "trial $i: the cluster run exited $rc after $(( $(now_ms) - t0 )) ms ($lost lines about the lost executor in its log)"
  tables=no
  if [[ $rc == 0 ]] && scripts/segments compare "${opts[@]}" "$out/warehouse-local" "$wh" >"$out/compare-$i.txt" 2>"$out/compare-$i.log"; then
    tables=yes
    identical=$((identical + 1))
  fi
  step "trial $i: tables identical to the local run: $tables ($(grep -c identical "$out/compare-$i.txt" || true) tables compared identical)"
  if (( i < trials )); then
    # Bring Worker 2 back for the next trial.
    scripts/standalone-cluster.sh stop >/dev/null 2>&1 || true
    scripts/standalone-cluster.sh start >/dev/null
  fi
done
step "cluster-chaos summary: $trials trials, $identical completed with every table identical"
[[ $identical == "$trials" ]]
