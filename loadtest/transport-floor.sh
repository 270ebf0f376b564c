#!/usr/bin/env bash
# make bench-floor: what the gRPC transport alone costs per call at each rate on this machine. ghz
# sends CalculateSum straight to loadtest/bare-calculator-server.mjs (grpc-js, answers at once) at
# each of FLOOR_RATES for FLOOR_SECONDS; the server's CPU comes from /proc. Compare with service-a's
# CPU per call at the rate one instance takes (bench/report.md): the difference is service-a's own.
# FLOOR_CONNECTIONS (1) sets how many connections ghz spreads the calls over.
set -euo pipefail
source "$(dirname "$0")/../stack/scripts/lib.sh"
source "$STACK_DIR/defaults.env"

rates=${FLOOR_RATES:-100 300 600 1000 3000}
seconds=${FLOOR_SECONDS:-20}
address="$STACK_HOST:${FLOOR_PORT:-50069}"
ghz="$RUN_DIR/bin/ghz"
out="$REPO_DIR/bench/transport-floor.md"
connections=${FLOOR_CONNECTIONS:-1}
mkdir -p "$(dirname "$out")" "$RUN_DIR/logs"

node "$REPO_DIR/loadtest/bare-calculator-server.mjs" "$address" > "$RUN_DIR/logs/transport-floor.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$RUN_DIR/tmp-floor.json"' EXIT
server_listening() { grep -q listening "$RUN_DIR/logs/transport-floor.log"; }
poll_until 15 server_listening >/dev/null || die "the bare server did not start (see $RUN_DIR/logs/transport-floor.log)"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
ticks_per_second=$(getconf CLK_TCK)
calls() {
  "$ghz" --insecure --proto "$REPO_DIR/proto/calculator/v1/calculator.proto" --import-paths "$REPO_DIR/proto" \
    --call calculator.v1.CalculatorService/CalculateSum -d '{"user_id":"floor","operands":[1,2]}' \
    --rps "$1" --total "$2" --concurrency 50 --connections "$connections" -O json "$address"
}
calls 300 1500 > /dev/null # the server's hot paths compiled before the first figure

{
  echo "# gRPC transport floor ($(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "ghz straight to a bare grpc-js CalculatorService (loadtest/bare-calculator-server.mjs), ${connections} connection(s), ${seconds} s per rate; the server's CPU from /proc over each rate's calls."
  echo
  echo "| offered | achieved | OK | server CPU ms per call | server % of one core |"
  echo "|---|---|---|---|---|"
} > "$out"
for rate in $rates; do
  total=$((rate * seconds))
  before=$(cpu_ticks)
  calls "$rate" "$total" > "$RUN_DIR/tmp-floor.json"
  after=$(cpu_ticks)
  node -e '
    const [report, rate, total, ticks, hz] = process.argv.slice(1);
    const r = JSON.parse(require("fs").readFileSync(report, "utf8"));
    const ok = r.statusCodeDistribution?.OK ?? 0;
    const cpuMs = (Number(ticks) / Number(hz)) * 1000;
    const perCall = ok > 0 ? (cpuMs / ok).toFixed(3) : "no call answered OK";
    const busy = cpuMs / 10 / (r.total / 1e9); // ghz total: the span of the calls, in ns
    console.log(`| ${rate}/s | ${r.rps.toFixed(0)}/s | ${ok} of ${total} | ${perCall} | ${busy.toFixed(1)} % |`);
  ' "$RUN_DIR/tmp-floor.json" "$rate" "$total" "$((after - before))" "$ticks_per_second" >> "$out"
  step "$(tail -1 "$out")"
done
step "report: $out"
