#!/usr/bin/env bash
# The benchmark figures P1..P6 (docs/benchmarks.md):
#   scripts/bench.sh [--scale EVENTS] [--runs N] [--csv FILE] [--work DIR]
#
# --scale: about how many events the 120-day history holds (default 300000; up to 1e8). The
# generator writes 241 days of Parquet input; the days are laid out (hard links) as:
#   hist1/dt=D240 = days 121..240 (1x history) + hist1/dt=D241 = day 241 (the new day)
#   hist2/dt=D240 = days 1..240   (2x history) + hist2/dt=D241 = day 241
#   full/dt=D241  = days 121..241 (everything at once: the full recompute)
# A history is loaded with one ingest of its folder (ingest.lookback-days = 300, so every older
# day is taken as late events landing on its own date) and one features run: the pipeline's own
# recompute path. Then, each measured --runs times (default 3) and reported as the median:
#   P1  nightly run of day 241 (all stages) on a copy of the 1x history / full recompute of the
#       same tables from scratch (all stages on full/); the tables of day 241 must be identical
#   P2  nightly run on the 2x history / nightly run on the 1x history
#   P3  compute of 100 custom segments / compute of 1 (memberships materialized, before writes)
#   P3w segments stage: wall time of the membership table writes / 100 tables (seconds per table)
#       (P3 and P3w: all rounds in the JVM that primed the warehouse for them, as the segments stage
#       of a nightly run follows the score stage in a warm JVM; each step on its own warehouse copy)
#   P4  ingest + features of the full recompute / a bare groupBy(user, event, day).count()
#   P5  ingest + features of the nightly run / DuckDB computing the user features of day 241 from
#       scratch with SQL over the same Parquet (segments bench-duckdb)
#   P6  events / second / core of the full recompute (all stages)
# Writes docs/benchmarks.csv (or --csv FILE) and prints a table for docs/benchmarks.md. Works
# under work/bench/ (or --work DIR), which it empties first.
# The default scale takes ~24 min on the session 8 machine, ~16 min on the faster one of sessions
# 4-7 (2 cores; docs/benchmarks.md).
set -euo pipefail
here="$PWD"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

scale=300000
runs=3
csv="$root/docs/benchmarks.csv"
out="$root/work/bench"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --scale) scale="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --csv) csv="$(cd "$here" && realpath -m "$2")"; shift 2 ;;
    --work) out="$(cd "$here" && realpath -m "$2")"; shift 2 ;;
    *) echo "usage: scripts/bench.sh [--scale EVENTS] [--runs N] [--csv FILE] [--work DIR]" >&2; exit 2 ;;
  esac
done

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
# cost as much to record: docs/benchmarks.md, session 8).
unset SEGMENTS_CDS_ARCHIVE
cores=$(nproc)
rm -rf "$out"
mkdir -p "$logs"

# Spark settings of every run: defaults except few shuffle partitions (2 cores), no UI.
spark_opts=('-Dspark.conf."spark.sql.shuffle.partitions"=4' '-Dspark.conf."spark.ui.enabled"=false'
  -Dcatalog.database="" -Dinput.format=parquet)

# users = scale / (120 x 1.9): the generator makes ~1.8 events per user-day (measured: 280,313
# events in 121 days for the default's 1,315 users), so the 1x history holds about --scale events.
days=241
users=$(python3 -c "print(max(200, int(float('$scale') / (120 * 1.9))))")
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
  --users "$users" --accounts "$accounts" --seed 3 --bad-row-rate 0 2>"$logs/generate.log" >/dev/null

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

# Splits a log of `segments steps` at the end of each run step (its "Stage STAGE for" line):
# split_steps LOG STAGE PREFIX writes PREFIX-0.log, PREFIX-1.log, ... (one per run step).
split_steps() {
  awk -v prefix="$3" -v stage="Stage $2 for" '{ print > (prefix "-" k ".log") } index($0, stage) && / took [0-9]+ ms/ { close(prefix "-" k ".log"); k++ }' k=0 "$1"
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

# The two history loads are set-up, not measured: one JVM for both (`segments steps`).
step "loading the 1x history (days 121..240) into wh-hist1 and the 2x history (days 1..240) into wh-hist2"
scripts/segments steps "${spark_opts[@]}" -- \
  run "${spark_opts[@]}" --date "$d240" --stages ingest,features -Dinput.path="$out/hist1" \
    -Dwarehouse.path="$out/wh-hist1" -Dingest.lookback-days=300 + \
  run "${spark_opts[@]}" --date "$d240" --stages ingest,features -Dinput.path="$out/hist2" \
    -Dwarehouse.path="$out/wh-hist2" -Dingest.lookback-days=300 >"$logs/loads.log.out" 2>"$logs/loads.log" \
  || { tail -30 "$logs/loads.log" >&2; exit 1; }
split_steps "$logs/loads.log" features "$logs/load"
load1=$(stages_ms "$logs/load-0.log"); load2=$(stages_ms "$logs/load-1.log")

# The generator sends ~0.1 % of events 10 days late. The nightly run looks back 14 days (not the
# default 7) so that it accepts them as the one-folder recompute does; the cost of a nightly run
# depends on the lookback, not on the history.
nightly_opts=(-Dingest.lookback-days=14)
nightly1=(); nightly2=(); full=(); full_build=()
for r in $(seq 1 "$runs"); do
  step "run $r/$runs: nightly on 1x, nightly on 2x, full recompute"
  rm -rf "$out/wh-n1" "$out/wh-n2" "$out/wh-full"
  cp -r "$out/wh-hist1" "$out/wh-n1"
  cp -r "$out/wh-hist2" "$out/wh-n2"
  nightly1+=("$(run_ms "$logs/nightly1-$r.log" --date "$d241" -Dinput.path="$out/hist1" -Dwarehouse.path="$out/wh-n1" "${nightly_opts[@]}")")
  nightly2+=("$(run_ms "$logs/nightly2-$r.log" --date "$d241" -Dinput.path="$out/hist2" -Dwarehouse.path="$out/wh-n2" "${nightly_opts[@]}")")
  full+=("$(run_ms "$logs/full-$r.log" --date "$d241" -Dinput.path="$out/full" -Dwarehouse.path="$out/wh-full" -Dingest.lookback-days=300)")
  full_build+=("$(( $(stage_ms "$logs/full-$r.log" ingest) + $(stage_ms "$logs/full-$r.log" features) ))")
done

step "segments: 1 custom segment against 100; the nightly and full-recompute tables of $d241 compared"
# As on a real night, every membership table exists already and the day is new for the custom
# ones: a copy of the 1x nightly warehouse gets scores and the 125 segments of day 240 first
# (its 25 standard and suggested tables already hold day 241 from the nightly run, so those are
# replaced). That priming is also the warm-up: in a nightly run the segments stage follows the
# score stage in the same JVM, so its code is warm. Then, in the same JVM, each round evaluates
# 100 custom segments, then 1, each step on its own fresh copy of the primed warehouse (bench-copy):
# on the same copy, the second step would find the Delta snapshots of the first one cached in the
# JVM (a query-planning cost the first step paid).
# Last, the same JVM checks that the nightly run and the full recompute gave the same tables of day
# 241. events, events_rejected, ingest_runs and memberships record the input day and file of each
# row, which differ by construction (one folder against 121); everything computed from them must
# not. compare is the last step: it exits 1 on a difference.
rm -rf "$out/wh-prime" "$out"/wh-seg-*; cp -r "$out/wh-n1" "$out/wh-prime"
seg_steps=(validate "${spark_opts[@]}" --segments-dir "$out/seg100" +
  run "${spark_opts[@]}" --date "$d240" --stages score,segments -Dinput.path="$out/hist1"
    -Dwarehouse.path="$out/wh-prime" -Dsegments.dir="$out/seg100")
for r in $(seq 1 "$runs"); do
  for n in 100 1; do
    seg_steps+=(+ bench-copy --from "$out/wh-prime" --to "$out/wh-seg-$r-$n"
      + run "${spark_opts[@]}" --date "$d241" --stages segments -Dinput.path="$out/hist1"
        -Dwarehouse.path="$out/wh-seg-$r-$n" -Dsegments.dir="$out/seg$n")
  done
done
identical=yes
scripts/segments steps "${spark_opts[@]}" -- "${seg_steps[@]}" + \
  compare "${spark_opts[@]}" --date "$d241" --exclude events,events_rejected,ingest_runs,memberships "$out/wh-n1" "$out/wh-full" \
  >"$logs/segments.log.out" 2>"$logs/segments.log" || identical=no
[[ $(grep -c "Stage segments for $d241 took" "$logs/segments.log") == $(( 2 * runs )) ]] \
  || { tail -30 "$logs/segments.log" >&2; exit 1; }
grep -E '^[a-z0-9_]+ +[0-9]+ +[0-9]+  (identical|DIFFERENT)|^compare: ' "$logs/segments.log.out" >"$out/compare.txt" || true
grep -q "^compare: .*all identical" "$logs/segments.log.out" || identical=no
grep "^compare: " "$logs/segments.log.out" >&2 || { tail -30 "$logs/segments.log" >&2; exit 1; }
# Step 0 of the split is the priming (day 240); steps 1, 2, ... are the rounds; compare follows.
split_steps "$logs/segments.log" segments "$logs/seg-step"
seg1=(); seg100=(); write100=(); stage100=(); stage1=(); tables100=0
for r in $(seq 1 "$runs"); do
  mv "$logs/seg-step-$(( 2 * r - 1 )).log" "$logs/seg100-$r.log"
  mv "$logs/seg-step-$(( 2 * r )).log" "$logs/seg1-$r.log"
  seg1+=("$(grep -o 'memberships computed in [0-9]* ms' "$logs/seg1-$r.log" | awk '{print $4}')")
  seg100+=("$(grep -o 'memberships computed in [0-9]* ms' "$logs/seg100-$r.log" | awk '{print $4}')")
  write100+=("$(grep -o 'membership tables written in [0-9]* ms' "$logs/seg100-$r.log" | awk '{print $5}')")
  tables100=$(grep -o '[0-9]* membership tables written' "$logs/seg100-$r.log" | awk '{print $1}')
  stage1+=("$(stage_ms "$logs/seg1-$r.log" segments)")
  stage100+=("$(stage_ms "$logs/seg100-$r.log" segments)")
done
rm -rf "$out"/wh-seg-*

step "baseline: bare groupBy(user, event, day).count() over the full input"
groupby=()
for r in $(seq 1 "$runs"); do
  groupby+=("$(scripts/segments bench-groupby "${spark_opts[@]}" --input "$out/full" 2>/dev/null | sed -n 's/.* in \([0-9]*\) ms/\1/p')")
done
step "reference: DuckDB computing the user features of $d241 from scratch over the same Parquet"
duck=()
for r in $(seq 1 "$runs"); do
  duck+=("$(scripts/segments bench-duckdb "${spark_opts[@]}" --input "$out/full" --date "$d241" 2>"$logs/duckdb-$r.log" \
    | sed -n 's/.* in \([0-9]*\) ms/\1/p')")
done
# Events in the full input: the accepted events of the full recompute's ingest.
events_in=$(grep -o 'accepted [0-9,]*' "$logs/full-1.log.out" | head -1 | tr -d ',' | awk '{print $2}')

m_n1=$(median "${nightly1[@]}"); m_n2=$(median "${nightly2[@]}"); m_full=$(median "${full[@]}")
m_s1=$(median "${seg1[@]}"); m_s100=$(median "${seg100[@]}"); m_w100=$(median "${write100[@]}")
m_st1=$(median "${stage1[@]}"); m_st100=$(median "${stage100[@]}")
m_fb=$(median "${full_build[@]}"); m_gb=$(median "${groupby[@]}"); m_duck=$(median "${duck[@]}")
# The nightly run's part that makes user features (ingest + features), for P5.
nf=(); for r in $(seq 1 "$runs"); do nf+=("$(( $(stage_ms "$logs/nightly1-$r.log" ingest) + $(stage_ms "$logs/nightly1-$r.log" features) ))"); done
m_nf=$(median "${nf[@]}")
python3 - "$csv" <<EOF
import sys
n1, n2, full = $m_n1, $m_n2, $m_full
s1, s100, w100, t100 = $m_s1, $m_s100, $m_w100, $tables100
fb, gb = $m_fb, $m_gb
nf, duck = $m_nf, $m_duck
events = $events_in
rows = [
  ("P1", n1 / full, "<= 0.15", n1 / full <= 0.15),
  ("P2", n2 / n1, "<= 1.2", n2 / n1 <= 1.2),
  ("P3", s100 / s1, "<= 2", s100 / s1 <= 2),
  ("P3w", w100 / 1000 / t100, "<= 0.4", w100 / 1000 / t100 <= 0.4),
  ("P4", fb / gb, "<= 1.3", fb / gb <= 1.3),
  ("P5", nf / duck, "< 1", nf / duck < 1),
  ("P6", events / (full / 1000) / $cores, ">= 1000000", events / (full / 1000) / $cores >= 1e6),
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
    print(f"| {m} | {plain(v)} | {t} | {'yes' if ok else 'no'} |")
print()
print("nightly and full recompute tables of day 241 identical: $identical")
print(f"inputs: {events} events in the full input (121 days), $users users, $accounts accounts, $cores cores, medians of $runs runs")
print(f"nightly 1x {n1/1000:.1f} s, nightly 2x {n2/1000:.1f} s, full recompute {full/1000:.1f} s (sums of stage times)")
print(f"history loads: 1x {$load1/1000:.1f} s, 2x {$load2/1000:.1f} s")
import re, statistics
lat = {"appended": [], "replaced": [], "created": []}
for r in range(1, $runs + 1):
    for line in open(f"$logs/seg100-{r}.log"):
        m = re.search(r"Wrote the rows to segment_\\w+ \\(.*; (appended|replaced|created)[^)]*\\) in (\\d+) ms", line)
        if m:
            lat[m.group(1)].append(int(m.group(2)))
print("membership table commits of the 100-custom runs (each, 6 in flight): "
      + "; ".join(f"{k} {len(v)}, median {statistics.median(v)/1000:.2f} s" for k, v in lat.items() if v))
print(f"segments compute: 1 custom {s1/1000:.1f} s, 100 custom {s100/1000:.1f} s; 100-custom stage {$m_st100/1000:.1f} s vs 1-custom stage {$m_st1/1000:.1f} s; {t100} membership tables written in {w100/1000:.1f} s")
print(f"feature build (ingest + features of the full recompute) {fb/1000:.1f} s; bare groupBy {gb/1000:.1f} s")
print(f"nightly ingest + features {nf/1000:.1f} s; DuckDB user features from scratch {duck/1000:.1f} s")
EOF
step "done"
[[ $identical == yes ]] || { echo "bench: the nightly run and the full recompute differ (work/bench/compare.txt)" >&2; exit 1; }
