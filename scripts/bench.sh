#!/usr/bin/env bash
# The benchmark figures P1..P6 (docs/benchmarks.md):
#   scripts/bench.sh [--scale EVENTS] [--events-per-user-day E] [--runs N] [--cold-runs N] [--csv FILE] [--work DIR]
#
# --scale: about how many events the 120-day history holds (default 300000; up to 1e8).
# --events-per-user-day: the generator's option (default 8, its own default: ~1.9 events per user
# and day, as users are not active every day); more events per user means fewer users for the
# same --scale. The nightly run's cost follows the users, the full recompute's the events
# (docs/benchmarks.md), so this sets how far apart they are. The
# generator writes 241 days of Parquet input; the days are laid out (hard links) as:
#   hist1/dt=D240 = days 121..240 (1x history) + hist1/dt=D241 = day 241 (the new day)
#   hist2/dt=D240 = days 1..240   (2x history) + hist2/dt=D241 = day 241
#   full/dt=D241  = days 121..241 (everything at once: the full recompute)
# A history is loaded with one run of day 240 on its folder (ingest.lookback-days = 300, so every
# older day is taken as late events landing on its own date): the pipeline's own recompute path.
# It leaves the warehouse a nightly run finds: features, scores and memberships of day 240.
# Then, each measured --runs times (default 3) and reported as the median:
#   P1  nightly run of day 241 (all stages) on a copy of the 1x history / full recompute of the
#       same tables from scratch (all stages on full/); the tables of day 241 must be identical
#   P2  nightly run on the 2x history / nightly run on the 1x history
#   P3  compute of 100 custom segments / compute of 1 (memberships materialized, before writes)
#   P3w segments stage: wall time of the membership table writes / 100 tables (seconds per table)
#   P4  ingest + features of the full recompute / a bare groupBy(user, event, day).count()
#   P5  ingest + features of the nightly run / DuckDB computing the user features of day 241 from
#       scratch with SQL over the same Parquet (segments bench-duckdb)
#   P6  events / second / core of the full recompute (all stages)
#   H   nightly run on the 2x history / the same run with features.parent-trait = "" (no account
#       hierarchy: no parent rows in features, score and segments); the generator gives ~4% of the
#       accounts a parent among the first five, in the account's first group call, so only the 2x
#       history (from day 1) holds the tree (not a target: what the hierarchy costs)
# All of these run in one JVM (`segments steps`), after every stage's code has run once (the
# history loads and the priming of P3's warehouse), each run on its own fresh warehouse: so each
# ratio compares the work of two runs, not two JVM warm-ups, which in a fresh JVM are most of a
# run at this scale and the same for a nightly run and a full recompute (docs/benchmarks.md).
# --cold-runs N (default 0: none) then times N nightly runs and full recomputes in fresh JVMs, as
# spark-submit runs them, reported beside P1 and P6 (not in the CSV); each pair adds ~4 min at the
# default scale.
# Writes docs/benchmarks.csv (or --csv FILE) and prints a table for docs/benchmarks.md. Works
# under work/bench/ (or --work DIR), which it empties first.
# The default scale takes ~20.5 min on 2 cores of an Intel Xeon at 2.1 GHz (2026-12-02; ~16 min before H),
# ~3.3 min more with --cold-runs 1 (docs/benchmarks.md).
set -euo pipefail
here="$PWD"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

scale=300000
per_user_day=8
runs=3
cold_runs=0
csv="$root/docs/benchmarks.csv"
out="$root/work/bench"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --scale) scale="$2"; shift 2 ;;
    --events-per-user-day) per_user_day="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --cold-runs) cold_runs="$2"; shift 2 ;;
    --csv) csv="$(cd "$here" && realpath -m "$2")"; shift 2 ;;
    --work) out="$(cd "$here" && realpath -m "$2")"; shift 2 ;;
    *) echo "usage: scripts/bench.sh [--scale EVENTS] [--events-per-user-day E] [--runs N] [--cold-runs N] [--csv FILE] [--work DIR]" >&2; exit 2 ;;
  esac
done

[[ $runs =~ ^[1-9][0-9]*$ && $cold_runs =~ ^[0-9]+$ ]] \
  || { echo "bench: --runs takes a number from 1, --cold-runs one from 0 (got $runs, $cold_runs)" >&2; exit 2; }
[[ $per_user_day =~ ^[0-9]+([.][0-9]+)?$ ]] && python3 -c "import sys; sys.exit(float('$per_user_day') <= 0)" \
  || { echo "bench: --events-per-user-day takes a positive number (got $per_user_day)" >&2; exit 2; }
case "$out" in
  /|"$root"|"$HOME") echo "bench: --work $out would empty a folder that is not the bench's own" >&2; exit 2 ;;
esac
logs="$out/logs"
began=$(date +%s)
step() { echo "bench: [$(( $(date +%s) - began )) s] $*" >&2; }

mvn -B -q -DskipTests package
export SEGMENTS_SKIP_BUILD=1 SEGMENTS_DRIVER_MEMORY="${SEGMENTS_DRIVER_MEMORY:-8g}"
export SEGMENTS_JVM_OPTS="${SEGMENTS_JVM_OPTS:--XX:+UseParallelGC}"
# Every run starts as a plain scripts/segments run does (class-data sharing saved ~4 s per JVM and
# cost as much to record: docs/performance.md).
unset SEGMENTS_CDS_ARCHIVE
cores=$(nproc)
rm -rf "$out"
mkdir -p "$logs"

# Spark settings of every run: defaults except few shuffle partitions (2 cores), no UI.
spark_opts=('-Dspark.conf."spark.sql.shuffle.partitions"=4' '-Dspark.conf."spark.ui.enabled"=false'
  -Dcatalog.database="" -Dinput.format=parquet)

# users = scale / (120 x 1.9 x E / 8): the generator makes ~1.8 events per user-day at its default
# of 8 (measured: 280,313 events in 121 days for the default's 1,315 users), about in proportion to
# --events-per-user-day E, so the 1x history holds about --scale events.
days=241
users=$(python3 -c "print(max(200, int(float('$scale') / (120 * 1.9 * float('$per_user_day') / 8))))")
accounts=$(( users / 10 ))
first="2026-01-01"
day() { date -u -d "$first + $(( $1 - 1 )) days" +%F; }
d240="$(day 240)"
d241="$(day 241)"

# No deliberately bad rows: ingest's rules depend on the input day (too_late is "older than the
# lookback before the input day"), so one folder of 121 days and 121 daily folders reject
# different rows by design; those rules are tested in IncrementalTest and IngestTest.
step "generating $days days of Parquet for $users users, $accounts accounts"
scripts/segments generate "${spark_opts[@]}" --format parquet --output "$out/gen" --start "$first" --days "$days" \
  --users "$users" --accounts "$accounts" --events-per-user-day "$per_user_day" --seed 3 --bad-row-rate 0 \
  2>"$logs/generate.log" >/dev/null

link_days() { # link_days FROM TO FOLDER: hard-links the files of days FROM..TO into FOLDER
  mkdir -p "$3"
  for i in $(seq "$1" "$2"); do
    local d
    d="$(day "$i")"
    for f in "$out/gen/dt=$d"/*.parquet; do
      [[ -e "$f" ]] && ln "$f" "$3/$d-$(basename "$f")"
    done
  done
}
link_days 121 240 "$out/hist1/dt=$d240"; link_days 241 241 "$out/hist1/dt=$d241"
link_days 1 240 "$out/hist2/dt=$d240";   link_days 241 241 "$out/hist2/dt=$d241"
link_days 121 241 "$out/full/dt=$d241"

# Runs `segments run` and prints the sum of its stage times in ms (from the "Stage ... took" lines).
run_ms() { # run_ms LOG ARGS...
  local log="$1"; shift
  scripts/segments run "${spark_opts[@]}" "$@" >"$log.out" 2>"$log" || { tail -30 "$log" >&2; exit 1; }
  stages_ms "$log"
}
stages_ms() { grep -o 'took [0-9]* ms' "$1" | awk '{s += $2} END {print s + 0}'; }
stage_ms() { grep "Stage $2 for" "$1" | grep -o 'took [0-9]* ms' | awk '{s += $2} END {print s + 0}'; }
median() { python3 -c "import statistics, sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }

# Splits the log of `segments steps` into one log per step that runs the pipeline:
# split_steps LOG DIR NAME:STAGE ... writes DIR/NAME.log for each pair, in order; a step ends at
# the line of its last stage ("Stage STAGE for ... took N ms"). The rest goes to DIR/tail.log.
split_steps() {
  local log="$1" dir="$2"; shift 2
  awk -v dir="$dir" -v spec="$*" '
    BEGIN { n = split(spec, steps, " "); k = 1; for (i = 1; i <= n; i++) { split(steps[i], p, ":"); name[i] = p[1]; stage[i] = p[2] } }
    { f = (k <= n ? dir "/" name[k] ".log" : dir "/tail.log"); print > f }
    k <= n && index($0, "Stage " stage[k] " for") && / took [0-9]+ ms/ { close(f); k++ }' "$log"
}

# The custom segments of P3: 1, and 100 of the four kinds of condition.
mkdir -p "$out/seg1" "$out/seg100"
python3 - "$out" <<'EOF'
import sys
out = sys.argv[1]
events = ["login", "project_opened", "project_created", "task_created", "task_completed", "comment_added",
          "report_viewed", "dashboard_viewed", "teammate_invited", "file_uploaded"]
def where(i):
    e = events[i % len(events)]
    kind = i % 4
    if kind == 0:
        return f'{{ event = {e}, at_least = {1 + i % 5}, within_days = {7 + i % 23} }}'
    if kind == 1:
        return (f'{{ all = [ {{ field = engagement_score, op = ">=", value = {i % 90} }}, '
                f'{{ event = {e}, exactly = 0, within_days = 14 }} ] }}')
    if kind == 2:
        return (f'{{ any = [ {{ field = days_since_last_seen, op = ">", value = {i % 30} }}, '
                f'{{ field = active_days_7d, op = "<", value = {1 + i % 5} }} ] }}')
    return f'{{ not = {{ event = {e}, at_least = 1, within_days = 30 }} }}'
for n, folder in ((1, "seg1"), (100, "seg100")):
    with open(f"{out}/{folder}/bench.conf", "w") as f:
        f.write("segments = [\n")
        for i in range(n):
            f.write(f'  {{ id = bench_{i:03d}, name = "bench {i}", entity = user, where = {where(i)} }}\n')
        f.write("]\n")
EOF

# One JVM (`segments steps`) runs the set-up and every timed step; see the header for why.
#  1. Set-up: validate the 100 definitions; load the 1x and 2x histories (all stages, day 240).
#  2. Set-up: prime a copy of the 1x history for P3, as on a real night where every membership
#     table exists and the day is new: the 100 custom segments of day 240, then ingest, features
#     and score of day 241. With the loads, this is the warm-up: every stage's code, creating
#     tables and appending to them, has run once before anything is timed.
#  3. --runs rounds of: nightly run of day 241 on a fresh copy of the 1x history, on one of the 2x
#     history and the same without the hierarchy (bench-copy), full recompute into an empty
#     warehouse (P1, P2, P4, P5, P6, H).
#  4. --runs rounds of the segments stage of day 241 with 100 custom segments, then with 1, each on
#     its own fresh copy of the primed warehouse (P3, P3w). On one copy, the second step would find
#     the Delta snapshots of the first one cached in the JVM (a query-planning cost it paid).
#  5. --runs bare groupBys (P4) and DuckDB user features (P5) over the same Parquet.
#  6. compare: the last round's nightly and full-recompute tables of day 241 must be identical.
#     events, events_rejected, ingest_runs, memberships, user_daily_activity and the two trait
#     histories record the input day (and file) of each row, which differ by construction (one
#     folder against 121; the rollup and the histories keep what each input day brought as rows of
#     their own). So do the columns that refer to the previous run date, which the nightly run has
#     (day 240) and a recompute from scratch does not: segment_changes (who entered or left since
#     then), the entered and exited counts of segment_sizes and segment_metrics, the stays of
#     segment_membership_periods (entered on day 240 against 241), and first_defined and
#     last_changed of segment_definitions. Everything else must not differ: features, scores,
#     thresholds, sizes, metrics, definitions, every membership table.
#     compare is the last step: it exits 1 on a difference.
# The generator sends ~0.1 % of events 10 days late. The nightly runs look back 14 days (not the
# default 7) so that they accept them as the one-folder recompute does; the cost of a nightly run
# depends on the lookback, not on the history.
nightly_opts=(-Dingest.lookback-days=14)
full_opts=(-Dingest.lookback-days=300)
steps=(validate "${spark_opts[@]}" --segments-dir "$out/seg100"
  + run "${spark_opts[@]}" --date "$d240" -Dinput.path="$out/hist1" -Dwarehouse.path="$out/wh-hist1" "${full_opts[@]}"
  + run "${spark_opts[@]}" --date "$d240" -Dinput.path="$out/hist2" -Dwarehouse.path="$out/wh-hist2" "${full_opts[@]}"
  + bench-copy --from "$out/wh-hist1" --to "$out/wh-prime"
  + run "${spark_opts[@]}" --date "$d240" --stages segments -Dinput.path="$out/hist1"
    -Dwarehouse.path="$out/wh-prime" -Dsegments.dir="$out/seg100"
  + run "${spark_opts[@]}" --date "$d241" --stages ingest,features,score -Dinput.path="$out/hist1"
    -Dwarehouse.path="$out/wh-prime" "${nightly_opts[@]}")
split=(load1:segments load2:segments prime240:segments prime241:score)
for r in $(seq 1 "$runs"); do
  steps+=(+ bench-copy --from "$out/wh-hist1" --to "$out/wh-n1-$r"
    + bench-copy --from "$out/wh-hist2" --to "$out/wh-n2-$r"
    + bench-copy --from "$out/wh-hist2" --to "$out/wh-flat-$r"
    + run "${spark_opts[@]}" --date "$d241" -Dinput.path="$out/hist1" -Dwarehouse.path="$out/wh-n1-$r" "${nightly_opts[@]}"
    + run "${spark_opts[@]}" --date "$d241" -Dinput.path="$out/hist2" -Dwarehouse.path="$out/wh-n2-$r" "${nightly_opts[@]}"
    + run "${spark_opts[@]}" --date "$d241" -Dinput.path="$out/hist2" -Dwarehouse.path="$out/wh-flat-$r" "${nightly_opts[@]}"
      '-Dfeatures.parent-trait=""'
    + run "${spark_opts[@]}" --date "$d241" -Dinput.path="$out/full" -Dwarehouse.path="$out/wh-full-$r" "${full_opts[@]}")
  split+=("nightly1-$r:segments" "nightly2-$r:segments" "flat-$r:segments" "full-$r:segments")
done
for r in $(seq 1 "$runs"); do
  for n in 100 1; do
    steps+=(+ bench-copy --from "$out/wh-prime" --to "$out/wh-seg-$r-$n"
      + run "${spark_opts[@]}" --date "$d241" --stages segments -Dinput.path="$out/hist1"
        -Dwarehouse.path="$out/wh-seg-$r-$n" -Dsegments.dir="$out/seg$n")
    split+=("seg$n-$r:segments")
  done
done
for r in $(seq 1 "$runs"); do
  steps+=(+ bench-groupby "${spark_opts[@]}" --input "$out/full"
    + bench-duckdb "${spark_opts[@]}" --input "$out/full" --date "$d241")
done
steps+=(+ compare "${spark_opts[@]}" --date "$d241" --exclude events,events_rejected,ingest_runs,memberships,user_daily_activity,user_traits_history,account_traits_history,segment_changes,segment_sizes.entered,segment_sizes.exited,segment_metrics.entered,segment_metrics.exited,segment_membership_periods,segment_definitions.first_defined,segment_definitions.last_changed
  "$out/wh-n1-$runs" "$out/wh-full-$runs")

step "one JVM: loading the 1x and 2x histories, priming, then $runs rounds of nightly 1x, nightly 2x, full recompute, $runs of 100 and 1 custom segments, the baselines, the identity check"
identical=yes
SEGMENTS_TOOLS=1 scripts/segments steps "${spark_opts[@]}" -- "${steps[@]}" >"$logs/bench.log.out" 2>"$logs/bench.log" || identical=no
split_steps "$logs/bench.log" "$logs" "${split[@]}"
[[ -s "$logs/seg1-$runs.log" ]] && grep -q "Stage segments for $d241 took" "$logs/seg1-$runs.log" \
  || { echo "bench: the run stopped before its last step (the end of $logs/bench.log):" >&2; tail -30 "$logs/bench.log" >&2; exit 1; }
grep -E '^[a-z0-9_]+ +[0-9]+ +[0-9]+  (identical|DIFFERENT)|^compare: ' "$logs/bench.log.out" >"$out/compare.txt" || true
grep -q "^compare: .*all identical" "$logs/bench.log.out" || identical=no
grep "^compare: " "$logs/bench.log.out" >&2 || { tail -30 "$logs/bench.log" >&2; exit 1; }

nightly1=(); nightly2=(); full=(); full_build=(); nf=(); flat=()
seg1=(); seg100=(); write100=(); stage100=(); stage1=(); tables100=0
for r in $(seq 1 "$runs"); do
  nightly1+=("$(stages_ms "$logs/nightly1-$r.log")")
  nightly2+=("$(stages_ms "$logs/nightly2-$r.log")")
  flat+=("$(stages_ms "$logs/flat-$r.log")")
  full+=("$(stages_ms "$logs/full-$r.log")")
  full_build+=("$(( $(stage_ms "$logs/full-$r.log" ingest) + $(stage_ms "$logs/full-$r.log" features) ))")
  nf+=("$(( $(stage_ms "$logs/nightly1-$r.log" ingest) + $(stage_ms "$logs/nightly1-$r.log" features) ))")
  seg1+=("$(grep -o 'memberships computed in [0-9]* ms' "$logs/seg1-$r.log" | awk '{print $4}')")
  seg100+=("$(grep -o 'memberships computed in [0-9]* ms' "$logs/seg100-$r.log" | awk '{print $4}')")
  write100+=("$(grep -o 'membership tables written in [0-9]* ms' "$logs/seg100-$r.log" | awk '{print $5}')")
  tables100=$(grep -o '[0-9]* membership tables written' "$logs/seg100-$r.log" | awk '{print $1}')
  stage1+=("$(stage_ms "$logs/seg1-$r.log" segments)")
  stage100+=("$(stage_ms "$logs/seg100-$r.log" segments)")
done
mapfile -t groupby < <(sed -n 's/^bench-groupby: .* in \([0-9]*\) ms$/\1/p' "$logs/bench.log.out")
mapfile -t duck < <(sed -n 's/^bench-duckdb: .* in \([0-9]*\) ms$/\1/p' "$logs/bench.log.out")
[[ ${#groupby[@]} == "$runs" && ${#duck[@]} == "$runs" ]] \
  || { echo "bench: expected $runs groupBy and DuckDB times in $logs/bench.log.out" >&2; exit 1; }
# Events in the full input: the accepted events of the full recompute's ingest (its summary line
# "ingest D: read N, accepted M, ..." on stdout: of the day-241 runs, the one that read the most).
events_in=$( (grep "^ingest $d241: .*accepted" "$logs/bench.log.out" || true) | grep -o 'accepted [0-9,]*' | tr -d ',' | awk '$2 > m {m = $2} END {print m + 0}')
(( events_in > 0 )) || { echo "bench: no ingest summary of $d241 in $logs/bench.log.out" >&2; exit 1; }
load1=$(stages_ms "$logs/load1.log"); load2=$(stages_ms "$logs/load2.log")
# Keep the last round's warehouses (compared above), not the other copies.
for r in $(seq 1 $(( runs - 1 ))); do rm -rf "$out/wh-n1-$r" "$out/wh-n2-$r" "$out/wh-full-$r"; done
rm -rf "$out"/wh-flat-*
# The parent rows of day 241's nightly run on the 2x history (the first features line of day 241
# that has them: "... accounts (+K parent rows)").
parents241=$( (grep "^features $d241:.*parent rows" "$logs/bench.log.out" || true) | head -1 | grep -o '+[0-9,]* parent rows' | tr -d '+,' | awk '{print $1}')
parents241=${parents241:-0}
rm -rf "$out"/wh-seg-*

# What spark-submit pays: the same nightly run and full recompute, each in a fresh JVM.
cold_n1=(); cold_full=()
for r in $(seq 1 "$cold_runs"); do
  step "fresh JVMs $r/$cold_runs: nightly on 1x, full recompute"
  rm -rf "$out/wh-cold-n1" "$out/wh-cold-full"
  cp -r "$out/wh-hist1" "$out/wh-cold-n1"
  cold_n1+=("$(run_ms "$logs/cold-nightly1-$r.log" --date "$d241" -Dinput.path="$out/hist1" -Dwarehouse.path="$out/wh-cold-n1" "${nightly_opts[@]}")")
  cold_full+=("$(run_ms "$logs/cold-full-$r.log" --date "$d241" -Dinput.path="$out/full" -Dwarehouse.path="$out/wh-cold-full" "${full_opts[@]}")")
done
rm -rf "$out/wh-cold-n1" "$out/wh-cold-full"
m_cn1=0; m_cfull=0
if (( cold_runs > 0 )); then m_cn1=$(median "${cold_n1[@]}"); m_cfull=$(median "${cold_full[@]}"); fi

m_n1=$(median "${nightly1[@]}"); m_n2=$(median "${nightly2[@]}"); m_full=$(median "${full[@]}")
m_s1=$(median "${seg1[@]}"); m_s100=$(median "${seg100[@]}"); m_w100=$(median "${write100[@]}")
m_st1=$(median "${stage1[@]}"); m_st100=$(median "${stage100[@]}")
m_fb=$(median "${full_build[@]}"); m_gb=$(median "${groupby[@]}"); m_duck=$(median "${duck[@]}")
m_nf=$(median "${nf[@]}"); m_flat=$(median "${flat[@]}")
# Medians per stage of the nightly runs with and without the hierarchy: "features 12.3 / 11.9, ...".
hier_stages=$(for s in features score segments; do
  with=(); without=()
  for r in $(seq 1 "$runs"); do
    with+=("$(stage_ms "$logs/nightly2-$r.log" "$s")"); without+=("$(stage_ms "$logs/flat-$r.log" "$s")")
  done
  python3 -c "import sys; print(f'{sys.argv[1]} {float(sys.argv[2])/1000:.1f} / {float(sys.argv[3])/1000:.1f}', end='; ')" \
    "$s" "$(median "${with[@]}")" "$(median "${without[@]}")"
done)
python3 - "$csv" <<EOF
import sys
n1, n2, full = $m_n1, $m_n2, $m_full
s1, s100, w100, t100 = $m_s1, $m_s100, $m_w100, $tables100
fb, gb = $m_fb, $m_gb
nf, duck = $m_nf, $m_duck
cn1, cfull = $m_cn1, $m_cfull
events = $events_in
rows = [
  ("P1", n1 / full, "<= 0.15", n1 / full <= 0.15),
  ("P2", n2 / n1, "<= 1.2", n2 / n1 <= 1.2),
  ("P3", s100 / s1, "<= 2", s100 / s1 <= 2),
  ("P3w", w100 / 1000 / t100, "<= 0.4", w100 / 1000 / t100 <= 0.4),
  ("P4", fb / gb, "<= 1.3", fb / gb <= 1.3),
  ("P5", nf / duck, "< 1", nf / duck < 1),
  ("P6", events / (full / 1000) / $cores, ">= 1000000", events / (full / 1000) / $cores >= 1e6),
  ("H", n2 / $m_flat, "none", None),
]
def plain(v):  # 4 significant digits, never in exponent notation (the CSV holds plain numbers)
    return f"{v:.4g}" if abs(v) < 1000 else f"{v:.0f}"
with open(sys.argv[1], "w") as f:
    f.write("metric,value,target\n")
    for m, v, t, ok in rows:
        f.write(f"{m},{plain(v)},{t}\n")
print("| figure | value | target | met? |")
print("|---|---|---|---|")
for m, v, t, ok in rows:
    print(f"| {m} | {plain(v)} | {t} | {'-' if ok is None else 'yes' if ok else 'no'} |")
print()
print("nightly and full recompute tables of day 241 identical: $identical")
print(f"inputs: {events} events in the full input (121 days), $users users, $accounts accounts, --events-per-user-day $per_user_day, $cores cores, medians of $runs runs in one JVM")
print(f"nightly 1x {n1/1000:.1f} s, nightly 2x {n2/1000:.1f} s, full recompute {full/1000:.1f} s (sums of stage times)")
if cfull:
    print(f"fresh JVMs (median of $cold_runs): nightly 1x {cn1/1000:.1f} s, full recompute {cfull/1000:.1f} s: "
          f"P1 {plain(cn1 / cfull)}, P6 {plain(events / (cfull / 1000) / $cores)}")
print(f"history loads: 1x {$load1/1000:.1f} s, 2x {$load2/1000:.1f} s")
print(f"hierarchy ($parents241 parent rows on day 241): nightly 2x {n2/1000:.1f} s with it, {$m_flat/1000:.1f} s without; "
      "per stage with / without (s): $hier_stages")
import re, statistics
lat = {"appended": [], "replaced": [], "created": []}
for r in range(1, $runs + 1):
    for line in open(f"$logs/seg100-{r}.log"):
        m = re.search(r"Wrote (?:the|\\d+) rows to segment_\\w+ \\(.*; (appended|replaced|created)[^)]*\\) in (\\d+) ms", line)
        if m:
            lat[m.group(1)].append(int(m.group(2)))
print("membership table commits of the 100-custom runs (each, 6 in flight): "
      + "; ".join(f"{k} {len(v)}, median {statistics.median(v)/1000:.2f} s" for k, v in lat.items() if v))
print(f"segments compute: 1 custom {s1/1000:.1f} s, 100 custom {s100/1000:.1f} s; 100-custom stage {$m_st100/1000:.1f} s vs 1-custom stage {$m_st1/1000:.1f} s; {t100} membership tables written in {w100/1000:.1f} s")
print(f"feature build (ingest + features of the full recompute) {fb/1000:.1f} s; bare groupBy {gb/1000:.1f} s")
print(f"nightly ingest + features {nf/1000:.1f} s; DuckDB user features from scratch {duck/1000:.1f} s")
EOF
step "done"
[[ $identical == yes ]] || { echo "bench: the nightly run and the full recompute differ ($out/compare.txt)" >&2; exit 1; }
