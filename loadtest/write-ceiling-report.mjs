// Turns one `make bench-ceiling` run into markdown on stdout: the steps tried, then the held
// rate's latency, statuses, end-to-end lag (service-b's histogram in Prometheus), CPU per call and
// the reconciliation by request id.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { costPerCall, costTable } from './cost-per-call.mjs';
import { cpuUsage } from './cpu-usage.mjs';
import { jvmHeaps, memoryTables, peakResidentMemory } from './memory-usage.mjs';
import { prometheusClient } from './prometheus-client.mjs';

const names = ['hold', 'steps', 'cpu', 'prometheus', 'rate', 'hold-duration', 'step-duration', 'p99-ms'];
names.push('start', 'end', 'run-id', 'accepted', 'stored', 'cost-json');
const { values: args } = parseArgs({ options: Object.fromEntries(names.map((n) => [n, { type: 'string' }])) });

const hold = JSON.parse(readFileSync(args.hold, 'utf8'));
const steps = readFileSync(args.steps, 'utf8')
  .trim()
  .split('\n')
  .map((line) => line.split('\t'));
const quantile = (p) => (hold.latencyDistribution ?? []).find((d) => d.percentage === p)?.latency / 1e6;
const ms = (value) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a');

const start = Number(args.start);
const end = Number(args.end);
const window = `${end - start + 5}s`;
const prometheus = prometheusClient(args.prometheus);
const lagQuantile = async (q) =>
  (await prometheus.instant(
    `histogram_quantile(${q}, sum(increase(event_end_to_end_lag_seconds_bucket[${window}])) by (le))`,
    end + 5,
  )) * 1000;
const e2e = { p50: await lagQuantile(0.5), p95: await lagQuantile(0.95), p99: await lagQuantile(0.99) };
const maxConsumerLag = await prometheus.instant(
  `max_over_time(sum(kafka_consumer_lag_messages)[${window}:5s])`,
  end + 5,
);

const cores = cpus().length;
const { samples } = JSON.parse(readFileSync(args.cpu, 'utf8'));
const cpu = cpuUsage(samples);
const memory = memoryTables(peakResidentMemory(samples), await jvmHeaps(prometheus, window, end + 5));
const accepted = Number(args.accepted);
const [stored, distinct, storedTotal] = args.stored.split(' ').map(Number);
// Every call sends 1 + 2: the stored total must be three times the stored count.
const reconciled = stored === accepted && distinct === stored && storedTotal === 3 * stored;
const cost = costPerCall(cpu.seconds, accepted, cores);
writeFileSync(
  args['cost-json'],
  JSON.stringify({ runId: args['run-id'], rate: Number(args.rate), accepted, reconciled, ...cost }),
);
const statuses = Object.entries(hold.statusCodeDistribution ?? {})
  .map(([code, n]) => `${code} ${n}`)
  .join(', ');

console.log(`# CalculateSum ceiling (${args['run-id']})

| | |
|---|---|
| machine | ${cores} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB; the whole stack and ghz on it |
| how | ghz (Go gRPC client) through nginx, rate-limited, every status counted; steps of ${args['step-duration']} from the lowest rate up, a step passes with only OK, p99 ≤ ${args['p99-ms']} ms and ≥ 97 % of the offered rate achieved; the last passing rate held for ${args['hold-duration']} |
| steps | ${steps.map(([rate, verdict]) => `${rate}/s ${verdict}`).join('; ')} |
| **held** | **${args.rate}/s offered, ${hold.rps?.toFixed(0)}/s achieved for ${args['hold-duration']}** (${hold.count} calls) |
| latency (client, ghz) | p50 ${ms(quantile(50))}, p95 ${ms(quantile(95))}, p99 ${ms(quantile(99))}, max ${ms(hold.slowest / 1e6)} |
| statuses | ${statuses || 'none'} |
| end-to-end lag (outbox row to applied, service-b histogram) | p50 ${ms(e2e.p50)}, p95 ${ms(e2e.p95)}, p99 ${ms(e2e.p99)} |
| consumer lag, max over the hold | ${Number.isFinite(maxConsumerLag) ? maxConsumerLag : 'n/a'} records |
| accepted (OK answers) | ${accepted} |
| stored by service-b for this run | ${stored} (${distinct} distinct request ids, total ${storedTotal}) |
| reconciliation | ${reconciled ? 'accepted == stored, no duplicates, totals match' : `MISMATCH: accepted ${accepted}, stored ${stored}, distinct ${distinct}, total ${storedTotal}`} |

## CPU per accepted call during the hold

${costTable(cost, cores)}

The machine was ${cpu.machineShare(cores).toFixed(0)} % busy during the hold.

## Memory during the hold

Resident memory from /proc every second (a program's largest process: Postgres' backends share
their buffers, so they are not summed); the JVMs' heaps from their JMX exporters every 5 s.

${memory}
`);
