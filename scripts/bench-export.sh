#!/usr/bin/env bash
# Export throughput against the fake HubSpot and Segment servers on 127.0.0.1 (docs/benchmarks.md):
# RECORDS users (default 100,000) synced on day one (every record), then day two (15 % changed).
# Runs the ExportThroughput class of the jobs tests (not part of mvn verify) and prints its report.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export SPARK_LOCAL_IP=127.0.0.1
mvn -B -q install -DskipTests -Dspotless.check.skip=true
mvn -B test -pl jobs -Dtest=ExportThroughput -Dsurefire.failIfNoSpecifiedTests=false \
  -Dspotless.check.skip=true -Dexport.bench.records="${RECORDS:-100000}" \
  | sed -n '/^export throughput/,/^HubSpot upserts/p'
