#!/usr/bin/env bash
# Submits one segments command with the application jar:
#   scripts/spark-submit.sh [spark-submit options] <subcommand> [segments options]
# e.g. scripts/spark-submit.sh --master spark://127.0.0.1:7077 --deploy-mode client \
#        --conf spark.executor.memory=2g run --date 2026-11-27 --config conf/application.conf
# Options before the subcommand (--master, --deploy-mode, --conf k=v, --driver-memory, ...) go
# to spark-submit. With SPARK_HOME set, that distribution's bin/spark-submit is used; without it,
# Spark's own launcher (org.apache.spark.deploy.SparkSubmit) runs on the project's Maven
# classpath. The jar is built first if it is missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/jobs/target/segments-jobs-0.1.0-SNAPSHOT-app.jar"

submit_opts=()
while [[ $# -gt 0 && "$1" == --* ]]; do
  case "$1" in
    --verbose|--supervise) submit_opts+=("$1"); shift ;;
    --*=*) submit_opts+=("$1"); shift ;;
    *)
      if [[ $# -lt 2 ]]; then echo "spark-submit.sh: $1 needs a value" >&2; exit 2; fi
      submit_opts+=("$1" "$2"); shift 2 ;;
  esac
done
if [[ $# -eq 0 ]]; then
  echo "usage: scripts/spark-submit.sh [spark-submit options] <subcommand> [options]" >&2
  echo "subcommands: generate ingest features score segments run validate preview summary stages" >&2
  exit 2
fi

if [[ ! -f "$jar" || ! -f "$root/jobs/target/classpath.txt" ]]; then
  echo "building the application jar (mvn -B -q package -DskipTests)..." >&2
  (cd "$root" && mvn -B -q package -DskipTests)
fi

if [[ -n "${SPARK_HOME:-}" ]]; then
  exec "$SPARK_HOME/bin/spark-submit" --class dev.segments.jobs.Main "${submit_opts[@]}" "$jar" "$@"
fi
flags="$(cat "$root/jobs/target/jvm-flags.txt")"
# shellcheck disable=SC2086
exec java $flags ${SEGMENTS_JVM_OPTS:-} -Dlog4j2.configurationFile="$root/conf/log4j2.properties" -cp "$(cat "$root/jobs/target/classpath.txt")" \
  org.apache.spark.deploy.SparkSubmit --class dev.segments.jobs.Main "${submit_opts[@]}" "$jar" "$@"
