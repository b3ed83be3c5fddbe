#!/usr/bin/env bash
# A real Spark standalone cluster on 127.0.0.1 from Spark's own jars (no Spark distribution needed):
#   scripts/standalone-cluster.sh start|stop|status
# start: one Master (spark://127.0.0.1:$CLUSTER_PORT) and $CLUSTER_WORKERS Workers, each with
#        $CLUSTER_WORKER_CORES cores and $CLUSTER_WORKER_MEMORY; waits until every Worker has
#        registered with the Master.
# stop:  stops every process `start` started, by the PIDs it wrote (nothing else is touched).
# status: which of them run, and the Master's URL.
# Logs, PIDs and the executors' work folders go under $CLUSTER_DIR (default work/cluster,
# git-ignored). Submit to it with scripts/spark-submit.sh --master spark://127.0.0.1:7077 ...
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

dir="${CLUSTER_DIR:-$root/work/cluster}"
port="${CLUSTER_PORT:-7077}"
ui_port="${CLUSTER_UI_PORT:-8080}"
workers="${CLUSTER_WORKERS:-2}"
worker_cores="${CLUSTER_WORKER_CORES:-1}"
worker_memory="${CLUSTER_WORKER_MEMORY:-2g}"
master_url="spark://127.0.0.1:$port"
cp_file="jobs/target/classpath.txt"
flags_file="jobs/target/jvm-flags.txt"

java_bin="java"
[[ -n "${JAVA_HOME:-}" ]] && java_bin="$JAVA_HOME/bin/java"
export SPARK_LOCAL_IP=127.0.0.1

running() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Spark's jars and their dependencies: the project's runtime classpath without the jars the
# application jar carries itself (Delta, Typesafe Config, picocli, the project's own modules).
spark_classpath() {
  tr ':' '\n' <"$cp_file" | grep -v -e '/io/delta/' -e '/io/unitycatalog/' -e '/com/typesafe/config/' \
    -e '/info/picocli/' -e '/segments-common-' | paste -sd: -
}

start() {
  if running "$dir/master.pid"; then
    echo "standalone-cluster: already running ($master_url); stop it first" >&2
    exit 1
  fi
  if [[ ! -f "$cp_file" || ! -f "$flags_file" ]]; then
    echo "standalone-cluster: building (mvn -B -q -DskipTests package) ..." >&2
    mvn -B -q -DskipTests package >&2
  fi
  mkdir -p "$dir/logs" "$dir/spark-home/jars" "$dir/spark-home/conf"
  # The project's log config, with the Master's and Workers' own messages (registration, executors
  # launched and exited) at info: start waits for them.
  { cat conf/log4j2.properties
    printf '\nlogger.deploy.name = org.apache.spark.deploy\nlogger.deploy.level = info\n'
  } >"$dir/spark-home/conf/log4j2.properties"
  local cp flags
  cp="$(spark_classpath)"
  flags="$(cat "$flags_file")"
  # A Worker starts executors from SPARK_HOME; an empty jars/ plus SPARK_DIST_CLASSPATH gives them
  # Spark's jars from the Maven repository.
  export SPARK_HOME="$dir/spark-home" SPARK_SCALA_VERSION=2.13 SPARK_DIST_CLASSPATH="$cp"
  export SPARK_LOG_DIR="$dir/logs"
  local log4j="-Dlog4j2.configurationFile=$dir/spark-home/conf/log4j2.properties"

  # shellcheck disable=SC2086
  nohup "$java_bin" $flags -Xmx512m "$log4j" -cp "$cp" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$port" --webui-port "$ui_port" >"$dir/logs/master.log" 2>&1 &
  echo $! >"$dir/master.pid"
  wait_for "$dir/logs/master.log" "Starting Spark master at\|I have been elected leader" "Master"

  for i in $(seq 1 "$workers"); do
    mkdir -p "$dir/worker-$i"
    # shellcheck disable=SC2086
    nohup "$java_bin" $flags -Xmx512m "$log4j" -cp "$cp" org.apache.spark.deploy.worker.Worker "$master_url" \
      --host 127.0.0.1 --cores "$worker_cores" --memory "$worker_memory" --webui-port $((ui_port + i)) \
      --work-dir "$dir/worker-$i" >"$dir/logs/worker-$i.log" 2>&1 &
    echo $! >"$dir/worker-$i.pid"
  done
  for i in $(seq 1 "$workers"); do
    wait_for "$dir/logs/worker-$i.log" "Successfully registered with master" "Worker $i"
  done
  echo "standalone-cluster: $master_url with $workers workers ($worker_cores core(s), $worker_memory each); logs in $dir/logs"
}

# Waits up to 60 s for a line in a log; fails, showing the log's tail, if the process died.
wait_for() {
  local log="$1" pattern="$2" what="$3" pid_file
  pid_file="$dir/$(basename "$log" .log).pid"
  for _ in $(seq 1 120); do
    if grep -q "$pattern" "$log" 2>/dev/null; then
      return 0
    fi
    if ! running "$pid_file"; then
      echo "standalone-cluster: $what exited; last lines of $log:" >&2
      tail -20 "$log" >&2
      stop
      exit 1
    fi
    sleep 0.5
  done
  echo "standalone-cluster: $what did not come up in 60 s; last lines of $log:" >&2
  tail -20 "$log" >&2
  stop
  exit 1
}

stop() {
  local any=0
  for pid_file in "$dir"/worker-*.pid "$dir/master.pid"; do
    [[ -f "$pid_file" ]] || continue
    local pid
    pid="$(cat "$pid_file")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
      any=1
      echo "standalone-cluster: stopped $(basename "$pid_file" .pid) (pid $pid)"
    fi
    rm -f "$pid_file"
  done
  [[ $any == 1 ]] || echo "standalone-cluster: nothing running"
}

status() {
  local up=0
  for pid_file in "$dir/master.pid" "$dir"/worker-*.pid; do
    [[ -f "$pid_file" ]] || continue
    if running "$pid_file"; then
      echo "$(basename "$pid_file" .pid): running (pid $(cat "$pid_file"))"
      up=1
    else
      echo "$(basename "$pid_file" .pid): not running (stale pid file)"
    fi
  done
  if [[ $up == 1 ]]; then
    echo "master: $master_url (web UI http://127.0.0.1:$ui_port)"
  else
    echo "standalone-cluster: not running"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: scripts/standalone-cluster.sh start|stop|status" >&2; exit 2 ;;
esac
