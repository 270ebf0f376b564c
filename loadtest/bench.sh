#!/usr/bin/env bash
# make bench: CalculateSum through nginx at a fixed arrival rate for a fixed time, with the
# end-to-end visibility probe beside it, then bench/report.md and bench/chart.png: achieved rate,
# latency, errors, end-to-end lag and consumer lag (from Prometheus), CPU per process and per
# accepted call, and the reconciliation of this run's accepted calls against what service-b stored.
# RUNS=N repeats the measured run N times after one warm-up (bench/run-<i>/) and summarises the
# CPU per call of all runs (median and spread) in bench/cost-summary.md.
set -euo pipefail
source "$(dirname "$0")/../stack/scripts/lib.sh"
source "$STACK_DIR/defaults.env"

rate=${RATE:-3000}
duration=${DURATION:-60s}
visibility_rate=${VISIBILITY_RATE:-5}
runs=${RUNS:-1}
out="$REPO_DIR/bench"
mkdir -p "$out"
k6="$RUN_DIR/bin/k6"
prometheus="http://$STACK_HOST:$PROMETHEUS_PORT"

stored() {
  pg_admin -d "$PG_RESULTS_DB" -Atc "SELECT count(*) || ' ' || count(DISTINCT request_id)
    FROM calculations WHERE request_id LIKE '${1}-%'"
}

# JVMs and Node compile their hot paths during the first seconds under load: right after `make up`
# the first minute is several times slower than the rest. Warm up first, outside the report.
warmup=${WARMUP:-60s}
if [ "$warmup" != 0 ]; then
  warmup_rate=$(( rate < 300 ? rate : 300 ))
  step "warming up: ${warmup_rate}/s for ${warmup} (not reported)"
  (cd "$REPO_DIR/loadtest" && "$k6" run --quiet --no-thresholds --no-summary -e RATE="$warmup_rate" -e DURATION="$warmup" \
    -e GRPC_TARGET="$STACK_HOST:$NGINX_GRPC_PORT" grpc-calculate-sum.js >/dev/null) || true
fi

# measured_run DIR: one run at the offered rate, its report and chart in DIR.
measured_run() {
  local dir=$1 run_id
  run_id="bench-$(date +%s)"
  mkdir -p "$dir"
  node "$REPO_DIR/loadtest/sample-processes.mjs" "$(supervisor_conf)" "$dir/cpu-samples.json" &
  local sampler=$!
  local started ended
  started=$(date +%s)
  step "k6: CalculateSum at ${rate}/s for ${duration} through nginx (+ ${visibility_rate}/s end-to-end probes), run ${run_id}"
  (cd "$REPO_DIR/loadtest" && K6_PROMETHEUS_RW_SERVER_URL="$prometheus/api/v1/write" \
    K6_PROMETHEUS_RW_TREND_STATS='p(50),p(95),p(99),max' K6_PROMETHEUS_RW_PUSH_INTERVAL=5s \
    "$k6" run --quiet -o experimental-prometheus-rw --tag testid="$run_id" \
    -e RATE="$rate" -e DURATION="$duration" -e VISIBILITY_RATE="$visibility_rate" -e RUN_ID="$run_id" \
    -e GRPC_TARGET="$STACK_HOST:$NGINX_GRPC_PORT" -e SERVICE_B_URL="http://$STACK_HOST:$SERVICE_B_PORT" \
    --summary-export "$dir/k6-summary.json" --summary-trend-stats 'avg,p(50),p(95),p(99),max' bench.js) || true
  ended=$(date +%s)
  kill -TERM "$sampler"
  wait "$sampler" || true

  local ok
  ok=$(node -e 'const m=require(process.argv[1]).metrics;console.log(m["checks{scenario:calculate_sum}"]?.passes/2|0)' "$dir/k6-summary.json")
  step "waiting for service-b to store the ${ok} accepted calls"
  caught_up() { [ "$(stored "$run_id" | cut -d' ' -f1)" -ge "$ok" ]; }
  poll_until 120 caught_up >/dev/null || warn "service-b had not stored every accepted call after 120 s"
  # One more scrape, so Prometheus holds the final counters.
  sleep 6

  node "$REPO_DIR/loadtest/write-report.mjs" \
    --summary "$dir/k6-summary.json" --cpu "$dir/cpu-samples.json" --prometheus "$prometheus" \
    --rate "$rate" --duration "$duration" --start "$started" --end "$ended" --run-id "$run_id" \
    --accepted "$ok" --stored "$(stored "$run_id")" --chart-data "$dir/chart-data.tsv" \
    --cost-json "$dir/cost.json" > "$dir/report.md"
  local cpu_names
  cpu_names=$(head -1 "$dir/chart-data.tsv" | cut -f7- | tr '\t' ' ')
  gnuplot -e "data='$dir/chart-data.tsv'; output='$dir/chart.png'; offered=$rate; cpu_names='$cpu_names'" \
    "$REPO_DIR/loadtest/chart.gnuplot"
  cat "$dir/report.md"
  step "report: $dir/report.md, chart: $dir/chart.png"
}

if [ "$runs" -eq 1 ]; then
  measured_run "$out"
  exit 0
fi
costs=()
for i in $(seq 1 "$runs"); do
  measured_run "$out/run-$i"
  costs+=("$out/run-$i/cost.json")
done
node "$REPO_DIR/loadtest/summarize-cost.mjs" "${costs[@]}" | tee "$out/cost-summary.md"
step "summary of ${runs} runs: $out/cost-summary.md"
