#!/usr/bin/env bash
# Kill test of a nightly run (docs/reliability.md). On generated sample data it
#   1. runs every stage (ingest, features, score, segments, export to files) for HISTORY_DAYS days
#      (default 2): the base warehouse;
#   2. runs the next date D on a copy of it, undisturbed: the clean warehouse, and notes when each
#      stage ran;
#   3. TRIALS kills (default 20), in groups of GROUP (default 4): each group starts from a fresh
#      copy of the base and runs `segments run --date D`, killing its JVM with SIGKILL either at a
#      random moment inside one stage (at most the stage's length in the clean run after it
#      started; the stages taken in turn) or, one
#      kill in four, right after the k-th Delta commit of the run (k at random); the next run of the
#      group is the rerun of the same date, itself killed, until the group's last rerun, which is
#      left to complete. Then every table is compared with the clean one (`segments compare`: row
#      for row, duplicates included) and the exported files with the clean export's;
#   4. once: kills `segments run --from A --to D` (a backfill of every day from an empty
#      warehouse) about halfway, resumes it with the same command and compares with an undisturbed
#      run of the same range.
# Bounded: at most TRIALS kills and MAX_SECONDS (default 5400) of kills; every run is capped by
# RUN_TIMEOUT seconds (default 900). Kills only the JVMs it started, by PID. Prints one line per
# kill and group and a summary; everything is kept under work/chaos/ (git-ignored). Exit 0 when
# every group ended identical. Environment: TRIALS, SEED (default 7), HISTORY_DAYS, USERS (200), ACCOUNTS (25),
# MAX_SECONDS, RUN_TIMEOUT, SKIP_BACKFILL=1, REUSE_CLEAN=1 (keep the base and clean warehouses of
# the previous run of the script with the same settings).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

trials="${TRIALS:-20}"
group_size="${GROUP:-4}"
seed="${SEED:-7}"
history="${HISTORY_DAYS:-2}"
users="${USERS:-200}"
accounts="${ACCOUNTS:-25}"
max_seconds="${MAX_SECONDS:-5400}"
run_timeout="${RUN_TIMEOUT:-900}"
out="$root/work/chaos"
RANDOM=$seed
first_day="2026-03-01"
date_d="$(date -u -d "$first_day + $history days" +%F)"
day_before="$(date -u -d "$date_d - 1 day" +%F)"
stages=(ingest features score segments export)

source "$root/scripts/small-data-opts.sh"
# One class-data sharing archive for every JVM this script starts (README "Faster starts").
export SEGMENTS_CDS_ARCHIVE="$out/segments.jsa"
# Each run would otherwise wait for a killed run's lock: the lock of a process that is gone on
# this host is taken over at once, which is what the reruns check.
common=(-Dinput.path="$out/input" -Dcatalog.database="" "${small_data_opts[@]}"
)

# The options of a run on warehouse $1; its files export goes to $1-exports.
opts_for() {
  local wh="$1"
  printf '%s\n' "${common[@]}" -Dwarehouse.path="$wh" \
    "-Dexports.destinations.files={ type = files, path = \"$wh-exports\", segments = [\"most_engaged_*\", \"red_hot_*\", \"ice_cold_*\"], fields = [engagement_score, activation_progress] }"
}

segments() { # segments <warehouse> <log> <args...>: one run, capped by RUN_TIMEOUT
  local wh="$1" log="$2"
  shift 2
  local o
  mapfile -t o < <(opts_for "$wh")
  timeout --signal=KILL "$run_timeout" scripts/segments "$@" "${o[@]}" >>"$log" 2>&1
}

# rerun_and_compare <warehouse> <clean warehouse> <log> <run args...>: the rerun, then `compare`
# with the clean warehouse, in one JVM (the developers' `steps` command); sets rerun_rc (0 or 1)
# and tables (yes / no).
rerun_and_compare() {
  local wh="$1" clean="$2" log="$3"
  shift 3
  local o
  mapfile -t o < <(opts_for "$wh")
  local rc=0
  SEGMENTS_TOOLS=1 SEGMENTS_CDS_ARCHIVE="$out/tools.jsa" timeout --signal=KILL "$run_timeout" \
    scripts/segments steps "${o[@]}" -- run "$@" "${o[@]}" + compare "${o[@]}" "$clean" "$wh" >>"$log" 2>&1 || rc=$?
  rerun_rc=0
  grep -q "^segments run failed" "$log" && rerun_rc=1
  (( rc != 0 && rerun_rc == 0 )) && ! grep -q "tables differ" "$log" && rerun_rc=$rc
  tables=no
  (( rc == 0 )) && grep -q "all identical" "$log" && tables=yes
  return 0
}

copy_base() { # copy_base <target>: the base warehouse and its exports, afresh
  rm -rf "$1" "$1-exports"
  cp -a "$out/base" "$1"
  cp -a "$out/base-exports" "$1-exports"
}

now_ms() { date +%s%3N; }

commits() { # Delta commits in a warehouse
  find "$1" -path '*/_delta_log/*.json' -not -name '.*' 2>/dev/null | wc -l
}

began=$(date +%s)
echo "chaos: $trials kills on $date_d after $history days of history ($users users, $accounts accounts), seed $seed"
if [[ "${REUSE_CLEAN:-0}" == 1 && -s "$out/clean.ms" ]]; then
  # The base and clean warehouses of an earlier run of this script (same settings), kept.
  export SEGMENTS_SKIP_BUILD=1
  rm -rf "$out"/group-* "$out"/kill-* "$out"/range-*
  [[ -s "$SEGMENTS_CDS_ARCHIVE" ]] || unset SEGMENTS_CDS_ARCHIVE
  base_commits=$(commits "$out/base")
  clean_ms=$(cat "$out/clean.ms")
  t0=$(cat "$out/clean.t0")
else
  rm -rf "$out"
  mkdir -p "$out"
  mapfile -t gen < <(opts_for "$out/base")
  scripts/segments generate "${gen[@]}" --output "$out/input" --start "$first_day" --days "$((history + 1))" \
    --users "$users" --accounts "$accounts" --seed 42 >"$out/generate.log" 2>&1
  # Built (if needed) by that first command: every later run uses the same build.
  export SEGMENTS_SKIP_BUILD=1
  segments "$out/base" "$out/base.log" run --from "$first_day" --to "$day_before" ||
    { tail -30 "$out/base.log"; exit 1; }
  base_commits=$(commits "$out/base")
  # A run that records the archive runs its JVM as a child of the script, which a kill of the
  # script's PID would not reach: every killed run must map an archive already written.
  [[ -s "$SEGMENTS_CDS_ARCHIVE" ]] || unset SEGMENTS_CDS_ARCHIVE

  # The clean run of D, and when each of its stages ran (the log's "Stage X for D took N ms"
  # lines, stamped HH:mm:ss UTC at their end).
  copy_base "$out/clean"
  t0=$(now_ms)
  segments "$out/clean" "$out/clean.log" run --date "$date_d" || { tail -30 "$out/clean.log"; exit 1; }
  clean_ms=$(( $(now_ms) - t0 ))
  echo "$clean_ms" >"$out/clean.ms"
  echo "$t0" >"$out/clean.t0"
fi
clean_commits=$(( $(commits "$out/clean") - base_commits ))
declare -A span_from span_to
while read -r hms stage took; do
  end=$(( $(date -u -d "$(date -u -d "@$((t0 / 1000))" +%F) $hms" +%s) * 1000 + 500 - t0 ))
  span_from[$stage]=$(( end - took < 0 ? 0 : end - took ))
  span_to[$stage]=$end
done < <(sed -nE 's/^([0-9:]{8}) INFO Pipeline: Stage ([a-z]+) for [0-9-]+ took ([0-9]+) ms.*/\1 \2 \3/p' "$out/clean.log")
echo "clean run of $date_d: ${clean_ms} ms, $clean_commits Delta commits; stage spans (ms after start):"
for s in "${stages[@]}"; do
  [[ -n "${span_to[$s]:-}" ]] || { echo "chaos: the clean run has no span for stage $s" >&2; exit 1; }
  echo "  $s ${span_from[$s]}..${span_to[$s]}"
done

results="$out/results.tsv"
printf 'kill\tgroup\taim\tkilled_at_ms\trunning\tcommits_before_kill\tlog_tmp_files\n' >"$results"
groups_results="$out/groups.tsv"
printf 'group\tkills\tcompleting_rerun_rc\ttables\texports\n' >"$groups_results"
kills=0
groups=0
identical=0
g=0
while (( kills < trials )); do
  if (( $(date +%s) - began > max_seconds )); then
    echo "chaos: MAX_SECONDS ($max_seconds) reached after $kills kills"
    break
  fi
  g=$((g + 1))
  wh="$out/group-$g"
  copy_base "$wh"
  in_group=0
  while (( in_group < group_size && kills < trials )); do
    # MAX_SECONDS ends the group early: its completing rerun and comparison still run.
    (( $(date +%s) - began > max_seconds )) && break
    i=$((kills + 1))
    log="$out/kill-$i.log"
    c0=$(commits "$wh")
    if (( i % 4 == 0 )); then
      k=$(( 1 + RANDOM % clean_commits ))
      aim="commit $k/$clean_commits"
    else
      j=$(( (i - 1) % ${#stages[@]} ))
      s=${stages[$j]}
      len=$(( span_to[$s] - span_from[$s] ))
      (( len < 1 )) && len=1
      at=$(( (RANDOM * 32768 + RANDOM) % len ))
      # The first stage's moment counts from the start (JVM and Spark start included).
      (( j == 0 )) && at=$(( at + span_from[$s] ))
      aim="$s +$at ms"
    fi
    mapfile -t o < <(opts_for "$wh")
    t0=$(now_ms)
    scripts/segments run --date "$date_d" "${o[@]}" >"$log" 2>&1 &
    pid=$!
    if (( i % 4 == 0 )); then
      while kill -0 "$pid" 2>/dev/null && (( $(commits "$wh") - c0 < k )); do sleep 0.02; done
    else
      # Stage j runs once j stages of the date are done; the moment counts from then (the runs
      # are not as fast as the clean one on a busy machine), and never past the stage's end.
      done_stages() {
        local n
        n=$(grep -c "INFO Pipeline: Stage [a-z]* for $date_d took" "$log" 2>/dev/null) || true
        echo "${n:-0}"
      }
      while kill -0 "$pid" 2>/dev/null && (( $(done_stages) < j )); do sleep 0.05; done
      t1=$(now_ms)
      while kill -0 "$pid" 2>/dev/null && (( $(done_stages) == j && $(now_ms) - t1 < at )); do sleep 0.05; done
    fi
    killed_at=$(( $(now_ms) - t0 ))
    tmp_files=$(find "$wh" -path '*/_delta_log/.*.tmp' 2>/dev/null | wc -l)
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    finished=$(grep -c "INFO Pipeline: Stage [a-z]* for $date_d took" "$log" || true)
    if (( finished >= ${#stages[@]} )); then running="none (the run had ended)"; else running=${stages[$finished]}; fi
    before=$(( $(commits "$wh") - c0 ))
    kills=$i
    in_group=$((in_group + 1))
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$i" "$g" "$aim" "$killed_at" "$running" "$before" "$tmp_files" >>"$results"
    echo "kill $i (group $g): aimed at $aim, killed at ${killed_at} ms in $running after $before commits of this run ($tmp_files log files half-written)"
  done
  # The rerun that completes, then every table and the exported files against the clean run.
  rerun_and_compare "$wh" "$out/clean" "$out/group-$g.rerun.log" --date "$date_d"
  rc=$rerun_rc
  exports="no"
  if diff -r "$out/clean-exports" "$wh-exports" >"$out/group-$g.exports.diff" 2>&1; then exports="yes"; fi
  groups=$g
  [[ $tables == yes && $exports == yes && $rc == 0 ]] && identical=$((identical + 1))
  printf '%s\t%s\t%s\t%s\t%s\n' "$g" "$in_group" "$rc" "$tables" "$exports" >>"$groups_results"
  echo "group $g: $in_group kills, each followed by a rerun of $date_d; the last rerun exit $rc; tables identical: $tables; exports identical: $exports"
  # Keep the evidence of a group that differs; drop the copies of one that does not.
  if [[ $tables == yes && $exports == yes ]]; then rm -rf "$wh" "$wh-exports"; fi
done

backfill="skipped"
if [[ "${SKIP_BACKFILL:-0}" != 1 ]]; then
  echo "backfill: run --from $first_day --to $date_d, undisturbed, then killed about halfway and resumed"
  t0=$(now_ms)
  segments "$out/range-clean" "$out/range-clean.log" run --from "$first_day" --to "$date_d" ||
    { tail -30 "$out/range-clean.log"; exit 1; }
  range_ms=$(( $(now_ms) - t0 ))
  at=$(( range_ms * (35 + RANDOM % 30) / 100 ))
  mapfile -t o < <(opts_for "$out/range-killed")
  t0=$(now_ms)
  scripts/segments run --from "$first_day" --to "$date_d" "${o[@]}" >"$out/range-killed.log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null && (( $(now_ms) - t0 < at )); do sleep 0.02; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  dates_done=$(grep -c "INFO Pipeline: Stage export for .* took" "$out/range-killed.log" || true)
  rerun_and_compare "$out/range-killed" "$out/range-clean" "$out/range-killed.log.rerun" --from "$first_day" --to "$date_d"
  rc=$rerun_rc
  exports="no"
  if diff -r "$out/range-clean-exports" "$out/range-killed-exports" >"$out/range.exports.diff" 2>&1; then exports="yes"; fi
  backfill="killed at ${at} of ${range_ms} ms after $dates_done of $((history + 1)) dates; resumed, exit $rc; tables identical: $tables; exports identical: $exports"
  echo "backfill: $backfill"
fi

echo "chaos summary: $kills kills in $groups groups, $identical of $groups groups identical after the rerun; backfill: $backfill; $(( $(date +%s) - began )) s; results in $results and $groups_results"
[[ $identical == "$groups" && $groups -gt 0 ]] && [[ $backfill == skipped || $backfill == *"tables identical: yes; exports identical: yes" ]]
