// Turns one `make bench` run into bench/report.md (markdown on stdout) and the chart's data files:
// k6's summary (client-side latency, errors), Prometheus (end-to-end lag histogram, consumer lag,
// and the time series of the run), the CPU samples, and the reconciliation counts.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { costPerCall, costTable } from './cost-per-call.mjs';
import { cpuUsage } from './cpu-usage.mjs';
import { jvmHeaps, memoryTables, peakResidentMemory } from './memory-usage.mjs';
import { prometheusClient } from './prometheus-client.mjs';

const { values: args } = parseArgs({
  options: Object.fromEntries(
    [
      'summary',
      'cpu',
      'prometheus',
      'rate',
      'duration',
      'start',
      'end',
      'run-id',
      'accepted',
      'stored',
      'chart-data',
      'cost-json',
    ].map((name) => [name, { type: 'string' }]),
  ),
});
const start = Number(args.start);
const end = Number(args.end);
const window = `${end - start + 5}s`;
const runLabel = `testid="${args['run-id']}",scenario="calculate_sum"`;

const prometheus = prometheusClient(args.prometheus);
const instant = (promql) => prometheus.instant(promql, end + 5);
const range = (promql) => prometheus.range(promql, start, end + 5, 5);

// Client side, whole run (k6).
const { metrics } = JSON.parse(readFileSync(args.summary, 'utf8'));
const latency = metrics['grpc_req_duration{scenario:calculate_sum}'];
const checks = metrics['checks{scenario:calculate_sum}'];
const visible = metrics.e2e_visible_ms;
// Sub-metrics exist because grpc-calculate-sum.js and end-to-end-visibility.js set thresholds on them.
const iterations = metrics['iterations{scenario:calculate_sum}'];
const probes = metrics['iterations{scenario:visibility}'];

// Server side (Prometheus): service-b's end-to-end lag histogram and the consumer lag.
const lagQuantile = (q) =>
  instant(`histogram_quantile(${q}, sum(increase(event_end_to_end_lag_seconds_bucket[${window}])) by (le))`);
const e2e = { p50: await lagQuantile(0.5), p95: await lagQuantile(0.95), p99: await lagQuantile(0.99) };
const maxConsumerLag = await instant(`max_over_time(sum(kafka_consumer_lag_messages)[${window}:5s])`);

// CPU per process over the run, as % of one core.
const { samples } = JSON.parse(readFileSync(args.cpu, 'utf8'));
const cpu = cpuUsage(samples);
const memory = memoryTables(peakResidentMemory(samples), await jvmHeaps(prometheus, window, end + 5));

// Time series for the chart: 5 s steps.
const series = {
  achieved: await range(`sum(rate(k6_iterations_total{${runLabel}}[20s]))`),
  p50: await range(`max(k6_grpc_req_duration_p50{${runLabel}}) * 1000`),
  p99: await range(`max(k6_grpc_req_duration_p99{${runLabel}}) * 1000`),
  e2eP99: await range(`histogram_quantile(0.99, sum(rate(event_end_to_end_lag_seconds_bucket[10s])) by (le)) * 1000`),
  consumerLag: await range('sum(kafka_consumer_lag_messages)'),
};
const rows = [];
for (let t = start + 5; t <= end; t += 5) {
  const v = (map) => (Number.isFinite(map.get(t)) ? map.get(t).toFixed(2) : 'NaN');
  rows.push(
    [
      t - start,
      v(series.achieved),
      v(series.p50),
      v(series.p99),
      v(series.e2eP99),
      v(series.consumerLag),
      ...cpu.kindsAt(t, 5).map((c) => c.toFixed(1)),
    ].join('\t'),
  );
}
writeFileSync(
  args['chart-data'],
  `# t\tachieved\tp50_ms\tp99_ms\te2e_p99_ms\tconsumer_lag\t${cpu.kinds.join('\t')}\n${rows.join('\n')}\n`,
);

const [stored, distinct] = args.stored.split(' ').map(Number);
const accepted = Number(args.accepted);
const ms = (value) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a');
const failed = checks?.fails ?? 0;
const reconciled = stored === accepted && distinct === stored;
const cost = costPerCall(cpu.seconds, accepted, cpus().length);
if (args['cost-json']) {
  writeFileSync(
    args['cost-json'],
    JSON.stringify({ runId: args['run-id'], rate: Number(args.rate), accepted, reconciled, ...cost }),
  );
}

console.log(`# CalculateSum benchmark (${args['run-id']})

![throughput, latency, lag and CPU over time](chart.png)

| | |
|---|---|
| machine | ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB; the whole stack and k6 on it |
| offered | ${args.rate}/s for ${args.duration} (constant arrival rate, gRPC through nginx) |
| achieved | ${iterations?.rate.toFixed(0)}/s (${iterations?.count ?? 0} calls, ${metrics.dropped_iterations?.count ?? 0} not started in time) |
| latency (client) | p50 ${ms(latency?.['p(50)'])}, p95 ${ms(latency?.['p(95)'])}, p99 ${ms(latency?.['p(99)'])}, max ${ms(latency?.max)} |
| errors | ${failed} failed checks |
| end-to-end lag (outbox row to applied, service-b histogram) | p50 ${ms(e2e.p50 * 1000)}, p95 ${ms(e2e.p95 * 1000)}, p99 ${ms(e2e.p99 * 1000)} |
| answer to visible in service-b's API (k6 probe, ${probes?.count ?? 0} probes) | p50 ${ms(visible?.['p(50)'])}, p95 ${ms(visible?.['p(95)'])}, p99 ${ms(visible?.['p(99)'])}, max ${ms(visible?.max)} |
| consumer lag, max over the run | ${Number.isFinite(maxConsumerLag) ? maxConsumerLag : 'n/a'} records |
| accepted (OK answers) | ${accepted} |
| stored by service-b for this run | ${stored} (${distinct} distinct request ids) |
| reconciliation | ${reconciled ? 'accepted == stored, no duplicates' : `MISMATCH: accepted ${accepted}, stored ${stored}, distinct ${distinct}`} |

## CPU per accepted call

CPU time of each process (with its children) from /proc over the measured run, divided by the
${accepted} OK answers. It depends on the offered rate (batches carry more calls as the rate grows):
compare runs at the same rate, below saturation.

${costTable(cost, cpus().length)}

## CPU by process (% of one core, average over the run; the machine was ${cpu.machineShare(cpus().length).toFixed(0)} % busy)

| process | CPU |
|---|---|
${cpu.perProcess.map(([name, share]) => `| ${name} | ${share.toFixed(1)} % |`).join('\n')}

## Memory over the run

Resident memory from /proc every second (a program's largest process: Postgres' backends share
their buffers, so they are not summed); the JVMs' heaps from their JMX exporters every 5 s.

${memory}
`);
