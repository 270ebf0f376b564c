#!/usr/bin/env bash
# make bench-ceiling: the highest CalculateSum rate the stack holds through nginx. ghz (a Go gRPC
# load generator, far cheaper per call than k6) offers CEILING_START/s and steps up by CEILING_STEP
# every CEILING_STEP_SECONDS until a step fails (a status other than OK, p99 over CEILING_P99_MS,
# or less than 97 % of the offered rate achieved); the last rate that passed is then held for
# CEILING_HOLD_SECONDS with the CPU sampler, reconciled by request id and reported in bench/ceiling.md.
set -euo pipefail
source "$(dirname "$0")/../stack/scripts/lib.sh"
source "$STACK_DIR/defaults.env"

start_rate=${CEILING_START:-1000}
step_rate=${CEILING_STEP:-500}
max_rate=${CEILING_MAX:-10000}
step_seconds=${CEILING_STEP_SECONDS:-15}
hold_seconds=${CEILING_HOLD_SECONDS:-60}
p99_ms=${CEILING_P99_MS:-50}
concurrency=${CEILING_CONCURRENCY:-200}
connections=${CEILING_CONNECTIONS:-8}
out="$REPO_DIR/bench/ceiling"
rm -rf "$out" && mkdir -p "$out"
ghz="$RUN_DIR/bin/ghz"
prometheus="http://$STACK_HOST:$PROMETHEUS_PORT"
target="$STACK_HOST:$NGINX_GRPC_PORT"

# ghz_run RATE SECONDS RUN_ID OUT.json: RATE x SECONDS CalculateSum calls at RATE/s; every request
# id unique in the run, 500 users; a sum of 1 + 2 each, so stored totals can be checked against the
# count. A call count, not a duration: at the end of a duration ghz cuts the calls still in flight,
# whose outcome it then cannot know.
ghz_run() {
  "$ghz" --insecure --proto "$REPO_DIR/proto/calculator/v1/calculator.proto" --import-paths "$REPO_DIR/proto" \
    --call calculator.v1.CalculatorService/CalculateSum \
    -d "{\"user_id\":\"ghz-{{mod .RequestNumber 500}}\",\"operands\":[1,2],\"request_id\":\"$3-{{.RequestNumber}}\"}" \
    --rps "$1" --total $(($1 * $2)) --concurrency "$concurrency" --connections "$connections" \
    --timeout 10s -O json "$target" > "$4" || true
}

# verdict FILE RATE: "pass" or why not, from ghz's JSON.
verdict() {
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const rate = Number(process.argv[2]), limit = Number(process.argv[3]);
    const p99 = (r.latencyDistribution ?? []).find((d) => d.percentage === 99)?.latency / 1e6;
    const notOk = Object.entries(r.statusCodeDistribution ?? {}).filter(([c]) => c !== "OK");
    if (notOk.length) console.log("statuses " + JSON.stringify(Object.fromEntries(notOk)));
    else if (!(p99 <= limit)) console.log(`p99 ${p99.toFixed(1)} ms over ${limit} ms`);
    else if (r.rps < rate * 0.97) console.log(`achieved ${r.rps.toFixed(0)}/s of ${rate}/s`);
    else console.log("pass");
  ' "$1" "$2" "$p99_ms"
}

stored() {
  pg_admin -d "$PG_RESULTS_DB" -Atc "SELECT count(*) || ' ' || count(DISTINCT request_id) || ' ' || coalesce(sum(sum), 0)
    FROM calculations WHERE request_id LIKE '${1}-%'"
}

step "warming up: ghz at ${start_rate}/s for 20s (not reported)"
ghz_run "$start_rate" 20 "ceiling-warmup-$(date +%s)" "$out/warmup.json"

passed=0
rate=$start_rate
: > "$out/steps.tsv"
while [ "$rate" -le "$max_rate" ]; do
  ghz_run "$rate" "$step_seconds" "ceiling-step-$(date +%s)" "$out/step-$rate.json"
  result=$(verdict "$out/step-$rate.json" "$rate")
  printf '%s\t%s\n' "$rate" "$result" >> "$out/steps.tsv"
  step "step ${rate}/s for ${step_seconds}s: ${result}"
  [ "$result" = pass ] || break
  passed=$rate
  rate=$((rate + step_rate))
  sleep 3 # let queues and consumer lag settle between steps
done
[ "$passed" -gt 0 ] || die "not even ${start_rate}/s passed; see $out/steps.tsv"

run_id="ceiling-$(date +%s)"
step "holding ${passed}/s for ${hold_seconds}s, run ${run_id}"
node "$REPO_DIR/loadtest/sample-processes.mjs" "$(supervisor_conf)" "$out/cpu-samples.json" &
sampler=$!
started=$(date +%s)
ghz_run "$passed" "$hold_seconds" "$run_id" "$out/hold.json"
ended=$(date +%s)
kill -TERM "$sampler"
wait "$sampler" || true

ok=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).statusCodeDistribution?.OK ?? 0)' "$out/hold.json")
step "waiting for service-b to store the ${ok} accepted calls"
caught_up() { [ "$(stored "$run_id" | cut -d' ' -f1)" -ge "$ok" ]; }
poll_until 120 caught_up >/dev/null || warn "service-b had not stored every accepted call after 120 s"
sleep 6 # one more scrape

node "$REPO_DIR/loadtest/write-ceiling-report.mjs" \
  --hold "$out/hold.json" --steps "$out/steps.tsv" --cpu "$out/cpu-samples.json" --prometheus "$prometheus" \
  --rate "$passed" --hold-duration "${hold_seconds}s" --step-duration "${step_seconds}s" --p99-ms "$p99_ms" \
  --start "$started" --end "$ended" --run-id "$run_id" --accepted "$ok" --stored "$(stored "$run_id")" \
  --cost-json "$out/cost.json" > "$out/report.md"
cp "$out/report.md" "$REPO_DIR/bench/ceiling.md"
cat "$out/report.md"
step "report: $REPO_DIR/bench/ceiling.md"
