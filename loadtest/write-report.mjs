// Turns a k6 summary export and the reconciliation counts into bench/report.md (markdown on stdout).
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

const [summaryFile, rate, duration, applied, duplicates] = process.argv.slice(2);
const { metrics } = JSON.parse(readFileSync(summaryFile, 'utf8'));
const latency = metrics.grpc_req_duration;
const ok = Math.floor(metrics.checks.passes / 2);
const failedChecks = metrics.checks.fails;
const ms = (value) => `${value.toFixed(1)} ms`;

console.log(`# CalculateSum benchmark

| | |
|---|---|
| machine | ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB |
| offered | ${rate}/s for ${duration} (constant arrival rate, through nginx) |
| achieved | ${metrics.iterations.rate.toFixed(0)}/s (${metrics.iterations.count} calls, ${metrics.dropped_iterations?.count ?? 0} not started in time) |
| latency | p50 ${ms(latency['p(50)'])}, p95 ${ms(latency['p(95)'])}, p99 ${ms(latency['p(99)'])}, max ${ms(latency.max)} |
| errors | ${failedChecks} failed checks |
| accepted (OK answers) | ${ok} |
| applied by service-b | ${applied} |
| duplicates skipped | ${duplicates} |
| reconciliation | ${Number(applied) === ok ? 'accepted == applied' : `MISMATCH: accepted ${ok}, applied ${applied}`} |
`);
