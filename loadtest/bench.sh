#!/usr/bin/env bash
# make bench: CalculateSum through nginx at a fixed arrival rate for a fixed time, then a report
# (bench/report.md) with the achieved rate, latency, errors and the reconciliation against service-b.
set -euo pipefail
source "$(dirname "$0")/../stack/scripts/lib.sh"
source "$STACK_DIR/defaults.env"

rate=${RATE:-1000}
duration=${DURATION:-60s}
out="$REPO_DIR/bench"
mkdir -p "$out"
k6="$RUN_DIR/bin/k6"
# metric NAME LABEL: service-b's counter sample NAME{…LABEL…}, summed over its instances.
metric() {
  for i in $(seq 1 "$SERVICE_B_INSTANCES"); do curl -sf "http://$STACK_HOST:$((SERVICE_B_PORT + i - 1))/metrics"; done \
    | awk -v name="$1" -v label="$2" 'index($0, name "{") == 1 && index($0, label) {s += $NF} END {print s + 0}'
}

applied_before=$(metric events_processed_total 'outcome="applied"')
duplicates_before=$(metric events_processed_total 'outcome="duplicate"')
step "k6: CalculateSum at ${rate}/s for ${duration} through nginx"
"$k6" run --quiet -e RATE="$rate" -e DURATION="$duration" -e RUN_ID="bench-$(date +%s)" \
  -e GRPC_TARGET="$STACK_HOST:$NGINX_GRPC_PORT" --summary-export "$out/k6-summary.json" \
  --summary-trend-stats 'avg,p(50),p(95),p(99),max' "$REPO_DIR/loadtest/grpc-calculate-sum.js" || true

ok=$(node -e 'const s=require(process.argv[1]);console.log(s.metrics.checks.passes/2|0)' "$out/k6-summary.json")
step "waiting for service-b to apply the ${ok} accepted calls"
caught_up() { [ $(( $(metric events_processed_total 'outcome="applied"') - applied_before )) -ge "$ok" ]; }
poll_until 120 caught_up >/dev/null || warn "service-b had not applied every accepted call after 120 s"
applied=$(( $(metric events_processed_total 'outcome="applied"') - applied_before ))
duplicates=$(( $(metric events_processed_total 'outcome="duplicate"') - duplicates_before ))

node "$REPO_DIR/loadtest/write-report.mjs" "$out/k6-summary.json" "$rate" "$duration" "$applied" "$duplicates" > "$out/report.md"
cat "$out/report.md"
