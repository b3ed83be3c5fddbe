#!/usr/bin/env bash
# The whole pipeline on generated sample data, on an embedded local Spark:
# builds if needed, generates DAYS (default 30) days of sample events ending yesterday,
# runs ingest and features for every day, scores for the last RECENT_DAYS (2) and the same days a
# scoring period earlier, segments for the last RECENT_DAYS, exports the last day to files,
# writes the HTML report and run status, and prints what it made.
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
recent_days="${RECENT_DAYS:-2}"
recent_start="$(date -u -d "-${recent_days} days" +%F)"
# Sample history is short, so the demo scores over 7-day periods (the default is 30) and calls users
# recently inactive after 14 to 28 days (default 30 to 60): every suggested segment then has members
# on the last day. Score changes compare with the scores of one period earlier, which are computed
# too.
period=7
prior_start="$(date -u -d "-$(( recent_days + period )) days" +%F)"
prior_end="$(date -u -d "-$(( 1 + period )) days" +%F)"
short_history=(-Dscoring.workspaces.default.period-days=$period '-Dscoring.workspaces.default.bands.recently-inactive-days=[14,28]')
# Small-data settings (scripts/small-data-opts.sh), plus fewer Delta checkpoints for 30 days of commits.
source "$root/scripts/small-data-opts.sh"
small=("${small_data_opts[@]}" '-Dspark.conf."spark.databricks.delta.properties.defaults.checkpointInterval"=100')
# One JVM runs all days: let the JIT compile fully (scripts/segments defaults to quick C1 only).
export SEGMENTS_JVM_OPTS="${SEGMENTS_JVM_OPTS:--XX:+UseParallelGC}"
opts=(-Dinput.path="$demo/input" -Dwarehouse.path="$demo/warehouse" -Dcatalog.database="" "${small[@]}" "${short_history[@]}" "$@")
# The last day's export: a files destination (docs/exports.md) with a few suggested segments.
exports=(-Dexports.destinations.files="{ type = files, path = \"$demo/exports\", segments = [\"most_engaged_*\", \"red_hot_*\", \"ice_cold_*\"], fields = [engagement_score, activation_progress] }")

began=$(date +%s)
rm -rf "$demo/warehouse" "$demo/exports" "$demo/report"
# Ingest and features for every day; scores for the last RECENT_DAYS days and for the same days one
# period earlier (the base of score_change, red_hot and ice_cold); segments (one Delta table each,
# ~0.5 s per table per day here) for the last RECENT_DAYS days: enough for entered / exited on the
# last day.
# All in one JVM and Spark session (the developers' `steps` command, SEGMENTS_TOOLS=1, runs subcommands one after the
# other, separated by +): the same commands as
#   segments generate ...; segments run ...; segments score ...; segments run ...;
#   segments export ...; segments summary ...; segments report ...; segments status
# without a JVM start and cold code per command.
SEGMENTS_TOOLS=1 scripts/segments steps "${opts[@]}" -- \
  generate "${opts[@]}" --output "$demo/input" --start "$start" --days "$days" \
    --users "$users" --accounts "$accounts" --seed 42 + \
  run "${opts[@]}" --from "$start" --to "$end" --stages ingest,features + \
  run "${opts[@]}" --from "$prior_start" --to "$prior_end" --stages score + \
  run "${opts[@]}" --from "$recent_start" --to "$end" --stages score,segments + \
  export "${opts[@]}" "${exports[@]}" --date "$end" + \
  summary "${opts[@]}" + \
  report "${opts[@]}" --date "$end" --days "$days" --out "$demo/report" + \
  status "${opts[@]}" --date "$end"
echo "demo: $days days, $users users, $accounts accounts in $(( $(date +%s) - began )) s; tables under $demo/warehouse, exports under $demo/exports, report $demo/report/segments-report-$end.html"
