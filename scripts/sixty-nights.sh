#!/usr/bin/env bash
# Sixty nights on one warehouse (docs/reliability.md, "Point in time" and "Table upkeep"). On
# generated sample data it
#   1. runs NIGHTS nights (default 60) in turn: `segments run --from A --to B`, every date's stages
#      in pipeline order, one date after the other, as the nightly DAG's catch-up does;
#   2. point in time: on a copy, rebuilds the segments of the date BACK days (default 30) before
#      the last night the way the README says, `run --date D --stages segments`: its
#      user_event_totals snapshot is long removed (features.totals-retention-days), so its `ever`
#      and first / last occurrence conditions read totals computed from the events ingested up to
#      D. Every table's rows of D are compared with the night's own (`segments compare --date D`),
#      and the whole warehouse with the untouched one;
#   3. membership periods: segment_membership_periods against segment_members on every date
#      (the developers' `check-periods`);
#   4. upkeep: `segments maintain` on another copy (unreferenced files deleted at once:
#      maintain.vacuum-retention-hours = 0, as if a week had passed), the tables BI tools read most
#      first with --time-queries (their newest date read before and after), then `segments
#      compare` with the untouched warehouse: every row unchanged.
# Prints a summary; everything is kept under work/sixty-nights/ (git-ignored). Exit 0 when both
# comparisons, the periods check and maintain succeeded. Environment: NIGHTS, BACK, USERS (200),
# ACCOUNTS (25), SEED (42), REUSE=1 (keep the nights of an earlier run with the same settings).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

nights="${NIGHTS:-60}"
back="${BACK:-30}"
users="${USERS:-200}"
accounts="${ACCOUNTS:-25}"
seed="${SEED:-42}"
out="$root/work/sixty-nights"
first="2026-01-01"
last="$(date -u -d "$first + $((nights - 1)) days" +%F)"
date_d="$(date -u -d "$last - $back days" +%F)"
source "$root/scripts/small-data-opts.sh"
common=(-Dinput.path="$out/input" -Dcatalog.database="" "${small_data_opts[@]}")

segments() { # segments <warehouse> <args...>
  local wh="$1"
  shift
  scripts/segments "$@" "${common[@]}" -Dwarehouse.path="$wh"
}

footprint() { # footprint <warehouse>: parquet files and bytes outside the logs, log files
  local files bytes logs
  files=$(find "$1" -name '*.parquet' -not -path '*/_delta_log/*' | wc -l)
  bytes=$(find "$1" -name '*.parquet' -not -path '*/_delta_log/*' -printf '%s\n' | awk '{s+=$1} END {print s+0}')
  logs=$(find "$1" -path '*/_delta_log/*' -type f -not -name '.*' | wc -l)
  echo "$files data files, $bytes bytes, $logs log files"
}

began=$(date +%s)
echo "sixty-nights: $nights nights $first .. $last ($users users, $accounts accounts); rebuild of $date_d"
if [[ "${REUSE:-0}" == 1 && -s "$out/nights.s" ]]; then
  export SEGMENTS_SKIP_BUILD=1
else
  rm -rf "$out"
  mkdir -p "$out"
  scripts/segments generate "${common[@]}" -Dwarehouse.path="$out/nights" --output "$out/input" \
    --start "$first" --days "$nights" --users "$users" --accounts "$accounts" --seed "$seed" \
    >"$out/generate.log" 2>&1
  export SEGMENTS_SKIP_BUILD=1
  t=$(date +%s)
  segments "$out/nights" run --from "$first" --to "$last" >"$out/nights.log" 2>&1 ||
    { tail -30 "$out/nights.log"; exit 1; }
  echo $(( $(date +%s) - t )) >"$out/nights.s"
fi
echo "nights: $(cat "$out/nights.s") s; warehouse: $(footprint "$out/nights")"

# 2. Point in time.
rm -rf "$out/rebuilt"
cp -a "$out/nights" "$out/rebuilt"
t=$(date +%s)
segments "$out/rebuilt" run --date "$date_d" --stages segments >"$out/rebuild.log" 2>&1 ||
  { tail -30 "$out/rebuild.log"; exit 1; }
echo "point in time: rebuild of $date_d (--stages segments): $(( $(date +%s) - t )) s; $(grep -m1 'no user_event_totals snapshot' "$out/rebuild.log" | sed 's/.*INFO [A-Za-z]*: //' | cut -c1-260)"
date_same=no
all_same=no
segments "$out/nights" compare --date "$date_d" "$out/nights" "$out/rebuilt" >"$out/compare-date.log" 2>&1 && date_same=yes
segments "$out/nights" compare "$out/nights" "$out/rebuilt" >"$out/compare-all.log" 2>&1 && all_same=yes
echo "point in time: rows of $date_d identical: $date_same ($(tail -1 "$out/compare-date.log")); whole warehouse identical: $all_same ($(tail -1 "$out/compare-all.log"))"

# 3. Membership periods.
periods=no
SEGMENTS_TOOLS=1 segments "$out/nights" check-periods >"$out/periods.log" 2>&1 && periods=yes
echo "periods: $(grep -m1 'segment_membership_periods against' "$out/periods.log" || tail -3 "$out/periods.log")"

# 4. Upkeep.
rm -rf "$out/maintained"
cp -a "$out/nights" "$out/maintained"
before=$(footprint "$out/maintained")
t=$(date +%s)
# The tables BI tools read most, timed (newest date, every column; one table at a time), then
# every table, side by side.
segments "$out/maintained" maintain --time-queries -Dmaintain.vacuum-retention-hours=0 \
  --tables user_features,account_scores,segment_members,segment_sizes,segment_changes,events \
  >"$out/maintain-timed.log" 2>&1 || { tail -30 "$out/maintain-timed.log"; exit 1; }
segments "$out/maintained" maintain -Dmaintain.vacuum-retention-hours=0 \
  >"$out/maintain.log" 2>&1 || { tail -30 "$out/maintain.log"; exit 1; }
maintain_s=$(( $(date +%s) - t ))
after=$(footprint "$out/maintained")
rows_same=no
segments "$out/nights" compare "$out/nights" "$out/maintained" >"$out/compare-maintained.log" 2>&1 &&
  rows_same=yes
echo "upkeep: maintain $maintain_s s; before: $before; after: $after"
grep -v ' INFO \| WARN \|^\s*at \|^Deleted' "$out/maintain-timed.log" | tail -n +2
grep -v ' INFO \| WARN \|^\s*at \|^Deleted' "$out/maintain.log" | tail -n +2
echo "upkeep: every table's rows unchanged: $rows_same ($(tail -1 "$out/compare-maintained.log"))"
echo "sixty-nights summary: rebuilt date identical $date_same; warehouse identical $all_same; periods agree $periods; rows unchanged by maintain $rows_same; $(( $(date +%s) - began )) s"
[[ $date_same == yes && $all_same == yes && $periods == yes && $rows_same == yes ]]
