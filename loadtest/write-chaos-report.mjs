// Turns one `make chaos` run (loadtest/chaos.sh, one directory per fault) into markdown on stdout:
// per fault the calls and their statuses (ghz), the reconciliation by request id, the time from
// the fault's end until the pipeline had caught up, and the programs that restarted unasked.
import { existsSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const names = ['dir', 'faults', 'rate', 'lead', 'tail', 'recovery-target', 'wal-budget', 'ceiling', 'seconds'];
const { values: args } = parseArgs({ options: Object.fromEntries(names.map((n) => [n, { type: 'string' }])) });
const recoveryTarget = Number(args['recovery-target']);

const WHAT = {
  'kill-service-a': 'SIGKILL to service-a-1; supervisord restarts it, nginx sends its calls to service-a-2',
  'kill-service-b': 'SIGKILL to service-b-1 while it owns uncommitted records; supervisord restarts it',
  'add-service-b': 'a third consumer joins the group for about 20 s (rebalance), then leaves on SIGTERM',
  'kill-connect': 'SIGKILL to Kafka Connect three times, each once supervisord had restarted it',
  'kill-kafka': 'SIGKILL to the broker; supervisord restarts it',
  'restart-postgres': '`supervisorctl restart postgres`',
  'stop-registry': 'the registry stopped for 30 s, then started',
  'slot-guard': 'Connect stopped until service-a refuses writes (slot over its WAL budget), then started',
};

const lines = (file) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
const tsv = (file) => lines(file).map((line) => line.split('\t'));
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const count = (n) => n.toLocaleString('en-US');

/** Everything one fault's run left in its directory, with what the report derives from it. */
function readRun(fault) {
  const dir = join(args.dir, fault);
  const facts = Object.fromEntries(tsv(join(dir, 'facts.tsv')));
  if (facts.skipped || !existsSync(join(dir, 'ghz.json'))) {
    return { fault, skipped: facts.skipped ?? 'no load was run', facts };
  }
  const ghz = JSON.parse(readFileSync(join(dir, 'ghz.json'), 'utf8'));
  const timeline = tsv(join(dir, 'timeline.tsv')).map(([what, ms]) => ({ what, ms: Number(ms) }));
  const at = (what) => timeline.find((t) => t.what === what)?.ms;
  // The sampler's readings and the settle check's, in time order.
  const lag = tsv(join(dir, 'lag.tsv'))
    .map(([ms, value]) => ({ ms: Number(ms), lag: value === '-' ? null : Number(value) }))
    .sort((a, b) => a.ms - b.ms);
  return {
    fault,
    facts,
    ghz,
    timeline,
    loadStart: at('load-start'),
    faultStart: at('fault-start'),
    faultEnd: at('fault-end'),
    loadEnd: at('load-end'),
    lag,
    reconciliation: reconcile(ghz, facts),
    recovery: recovery(lag, at('fault-end'), Number(facts.drained_ms)),
    crashes: crashes(dir, (facts.targets ?? '').split(' ').filter(Boolean)),
    redeliveries: redeliveries(dir, Number(facts.extra_duplicates ?? 0)),
    refusals: refusals(ghz),
    supervisorEvents: lines(join(dir, 'supervisord.log')).filter((l) => / (exited|spawned|success|stopped):/.test(l)),
  };
}

/**
 * OK answers must all be stored once; calls ghz saw fail may or may not have been recorded (an
 * error after the commit), so they may add rows, never beyond the calls sent. service-a's
 * request_keys says which request ids were committed: each of those must be applied, once.
 */
function reconcile(ghz, facts) {
  const sent = ghz.count ?? 0;
  const ok = ghz.statusCodeDistribution?.OK ?? 0;
  const [committed, stored, distinct, total, lostIds, strayIds] = [
    'committed',
    'stored',
    'distinct',
    'stored_total',
    'lost_ids',
    'stray_ids',
  ].map((key) => Number(facts[key]));
  // An OK answer without a committed request id is lost too, even if no committed one is missing.
  const lost = lostIds + Math.max(0, ok - committed);
  const twice = stored - distinct;
  // Every call sends 1 + 2: the stored total must be three times the stored rows.
  const totalsMatch = total === 3 * stored;
  const bounded = ok <= distinct && distinct <= sent;
  return {
    sent,
    ok,
    committed,
    stored,
    distinct,
    total,
    lost,
    twice,
    strayIds,
    totalsMatch,
    bounded,
    pass: lost === 0 && twice === 0 && strayIds === 0 && totalsMatch && bounded,
  };
}

/**
 * Recovered: the first lag reading of 0 (every partition known) taken once the fault had ended and
 * service-b had applied every event of the run written before that end. The second condition
 * matters when events wait upstream of Kafka (Connect down), where the lag reads 0 meanwhile.
 */
function recovery(lag, faultEnd, drainedMs) {
  if (!faultEnd) return { seconds: null };
  const from = Math.max(faultEnd, drainedMs || 0);
  const reading = lag.find((s) => s.ms >= from && s.lag === 0);
  const numeric = lag.filter((s) => s.lag !== null);
  const max = numeric.reduce((best, s) => (s.lag > (best?.lag ?? -1) ? s : best), undefined);
  return {
    seconds: reading ? (reading.ms - faultEnd) / 1000 : null,
    drainedSeconds: drainedMs > faultEnd ? (drainedMs - faultEnd) / 1000 : 0,
    maxLag: max,
    unknownReadings: lag.length - numeric.length,
  };
}

/** Programs other than the fault's targets whose process changed during the run: they crashed. */
function crashes(dir, targets) {
  const before = new Map(tsv(join(dir, 'pids-before.tsv')));
  const after = new Map(tsv(join(dir, 'pids-after.tsv')));
  const changed = [...before].filter(([name, pid]) => after.get(name) !== pid);
  return {
    untargeted: changed
      .filter(([name]) => !targets.includes(name))
      .map(([n, p]) => `${n} (pid ${p} → ${after.get(n)})`),
    targets: changed.filter(([name]) => targets.includes(name)).map(([n, p]) => `${n} (pid ${p} → ${after.get(n)})`),
  };
}

/** Events service-b skipped as already applied during the run: redeliveries the dedupe absorbed. */
function redeliveries(dir, extra) {
  const before = new Map(tsv(join(dir, 'duplicates-before.tsv')).map(([n, pid, d]) => [n, { pid, d: Number(d) }]));
  let sum = extra;
  for (const [name, pid, d] of tsv(join(dir, 'duplicates-after.tsv'))) {
    const start = before.get(name);
    // A restarted instance counts from zero again.
    sum += start && start.pid === pid ? Number(d) - start.d : Number(d);
  }
  return sum;
}

/**
 * The calls service-a refused for the replication slot's sake, from ghz's per-call details, grouped
 * into periods: refusals more than a second apart had accepted writes between them.
 */
function refusals(ghz) {
  const details = ghz.details ?? [];
  const refused = details
    .filter((d) => d.status !== 'OK' && /writes are paused/.test(d.error))
    .map((d) => ({ ms: Date.parse(d.timestamp), error: d.error }))
    .sort((a, b) => a.ms - b.ms);
  if (refused.length === 0) return { count: 0, periods: [] };
  const periods = [];
  for (const { ms } of refused) {
    const current = periods.at(-1);
    if (current && ms - current.last <= 1000) current.last = ms;
    else periods.push({ first: ms, last: ms });
  }
  const last = periods.at(-1).last;
  const okAfter = details.filter((d) => d.status === 'OK' && Date.parse(d.timestamp) > last).length;
  const reason = refused[0].error.replace(/^.*desc = /, '');
  return { count: refused.length, periods, okAfter, reason };
}

/** The fault's checks against its targets: PASS, or FAIL with what missed. */
function verdict(run) {
  if (run.skipped) return { pass: false, misses: [`not run: ${run.skipped}`] };
  const misses = [];
  const r = run.reconciliation;
  if (r.lost > 0) misses.push(`${r.lost} lost`);
  if (r.twice > 0) misses.push(`${r.twice} applied twice`);
  if (!r.pass && r.lost === 0 && r.twice === 0) misses.push('reconciliation mismatch');
  if (run.recovery.seconds === null) misses.push('did not recover');
  else if (run.recovery.seconds > recoveryTarget) misses.push(`recovery ${run.recovery.seconds.toFixed(1)} s`);
  if (run.crashes.untargeted.length > 0) misses.push(`crashed: ${run.crashes.untargeted.join(', ')}`);
  // The two faults that only count when they happened: the guard engaged, the consumer got partitions.
  if (run.fault === 'slot-guard' && (run.refusals.count === 0 || run.refusals.okAfter === 0)) {
    misses.push(run.refusals.count === 0 ? 'writes were never refused' : 'writes did not resume');
  }
  if (run.fault === 'add-service-b' && !run.timeline.some((t) => t.what.includes('owns partitions'))) {
    misses.push('the added consumer got no partitions');
  }
  return { pass: misses.length === 0, misses };
}

function statuses(ghz) {
  const notOk = Object.entries(ghz.statusCodeDistribution ?? {}).filter(([code]) => code !== 'OK');
  return notOk.length ? notOk.map(([code, n]) => `${code} ${count(n)}`).join(', ') : '0';
}

function summaryRow(run) {
  const v = verdict(run);
  const result = v.pass ? '**PASS**' : `**FAIL** (${v.misses.join('; ')})`;
  if (run.skipped) return `| ${run.fault} | ${WHAT[run.fault]} | | | | | | | | | ${result} |`;
  const r = run.reconciliation;
  const rec = run.recovery.seconds === null ? 'not recovered' : `${run.recovery.seconds.toFixed(1)} s`;
  return `| ${run.fault} | ${WHAT[run.fault]} | ${count(r.sent)} | ${count(r.ok)} | ${statuses(run.ghz)} | ${count(r.stored)} (${count(r.distinct)}) | ${r.lost} | ${r.twice} | ${rec} | ${run.crashes.untargeted.length} | ${result} |`;
}

function details(run) {
  if (run.skipped) return `### ${run.fault}\n\nNot run: ${run.skipped}.\n`;
  const r = run.reconciliation;
  const rel = (ms) => `+${((ms - run.loadStart) / 1000).toFixed(1)} s`;
  const timeline = run.timeline.map((t) => `${rel(t.ms)} ${t.what}`).join('; ');
  const errors = Object.entries(run.ghz.errorDistribution ?? {})
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([error, n]) => `${count(n)} × \`${error.slice(0, 180)}\``);
  const rec = run.recovery;
  const out = [
    `### ${run.fault} (${run.facts.run_id})`,
    '',
    `- timeline (from the start of the load): ${timeline}`,
    `- load: ${count(r.sent)} calls at ${run.ghz.rps?.toFixed(0)}/s achieved; ghz ended ${seconds(run.loadEnd - run.faultEnd)} after the fault's end`,
    `- statuses: OK ${count(r.ok)}, not OK ${statuses(run.ghz)}${errors.length ? `: ${errors.join('; ')}` : ''}`,
    `- reconciliation: committed by service-a ${count(r.committed)}, stored by service-b ${count(r.stored)} (${count(r.distinct)} distinct request ids, total ${count(r.total)}${r.totalsMatch ? ' = 3 × rows' : ' ≠ 3 × rows'}; the OK answers sum to ${count(3 * r.ok)}); OK ${count(r.ok)} ≤ stored ≤ sent ${count(r.sent)}: ${r.bounded ? 'yes' : 'NO'}; lost ${r.lost}, applied twice ${r.twice}, stored without a commit ${r.strayIds}`,
    `- recovery: ${rec.seconds === null ? 'the lag never read 0 after the backlog was applied' : `${rec.seconds.toFixed(1)} s`} after the fault's end (every event written before it applied after ${rec.drainedSeconds.toFixed(1)} s); max consumer lag ${rec.maxLag ? `${count(rec.maxLag.lag)} records at ${rel(rec.maxLag.ms)}` : 'n/a'}; ${rec.unknownReadings} of ${run.lag.length} lag readings unanswered by Kafka`,
    `- redeliveries skipped as duplicates by service-b: ${count(run.redeliveries)}`,
    `- restarted on purpose: ${run.crashes.targets.join(', ') || 'none'}; crashed: ${run.crashes.untargeted.join(', ') || 'none'}`,
  ];
  if (run.refusals.count > 0) {
    const f = run.refusals;
    const periods = f.periods.map((p) => `${seconds(p.last - p.first)} (${rel(p.first)} to ${rel(p.last)})`);
    const resumed = run.timeline.find((t) => t.what === 'writes-resumed')?.ms;
    const after = resumed
      ? `; every instance accepted writes again ${seconds(resumed - run.faultEnd)} after the fault's end`
      : '';
    out.push(
      `- writes refused (UNAVAILABLE) for ${periods.join(', then ')}${after}; ${count(f.count)} calls refused, ${count(f.okAfter)} OK answers after the last refusal: \`${f.reason}\``,
    );
  }
  if (run.supervisorEvents.length > 0) {
    out.push(
      `- supervisord: ${run.supervisorEvents.map((l) => l.replace(/^\S+ (\S+),\d+ [A-Z]+ /, '$1 ')).join('; ')}`,
    );
  }
  return `${out.join('\n')}\n`;
}

/** The rate held in bench/ceiling.md, to say how far below saturation the chaos load runs. */
function ceiling() {
  if (!existsSync(args.ceiling)) return undefined;
  const text = readFileSync(args.ceiling, 'utf8');
  const held = text.match(/\*\*held\*\* \| \*\*(\d+)\/s offered/)?.[1];
  const steps = text.match(/^\| steps \| (.*) \|$/m)?.[1];
  return held ? { held: Number(held), steps } : undefined;
}

const faults = args.faults.split(/\s+/).filter(Boolean);
const runs = faults.map(readRun);
const cores = cpus().length;
const rate = Number(args.rate);
const top = ceiling();
const headroom = top
  ? `${Math.round((100 * rate) / top.held)} % of the highest rate held in bench/ceiling.md (${top.held}/s with p99 ≤ 50 ms; steps: ${top.steps}), so the stack has headroom to drain a fault's backlog while the load goes on`
  : 'see `make bench-ceiling` for the rate the stack saturates at';
const passed = runs.filter((run) => verdict(run).pass).length;

console.log(`# Chaos under load (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC)

| | |
|---|---|
| machine | ${cores} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB; the whole stack and ghz on it |
| load | ghz through nginx at ${rate}/s, a fixed call count per fault (CalculateSum 1 + 2, a request id unique in the run, 10 s timeout): ${headroom} |
| how | one run per fault, each with its own request ids; the fault ${args.lead} s into the load, the load ending about ${args.tail} s after the fault's end; then the run settles (every committed call applied, consumer lag 0) and is reconciled by request id |
| lost / applied twice | service-a's committed request ids (\`request_keys\`) against service-b's \`calculations\`; OK answers ≤ stored ≤ sent (a call that failed may or may not have been recorded), no request id twice, stored sum = 3 × rows |
| recovery | from the fault's end (the process running again, the extra consumer gone) to the first consumer lag reading of 0 (log end minus service-b's committed offset, over every partition) once every event written before the fault's end is applied; read from Kafka about every second and by each settle check |
| crashes of untargeted processes | the supervisord pid of every program other than the fault's target, before and after the run |
| targets | 0 lost, 0 applied twice, recovery ≤ ${recoveryTarget} s after the fault's end, 0 crashes of untargeted processes |
| result | **${passed} of ${runs.length} faults PASS**; the whole run took ${Math.round(Number(args.seconds) / 60)} min |

| fault | what | calls | OK | not OK | stored (distinct) | lost | applied twice | recovery | crashes | verdict |
|---|---|---|---|---|---|---|---|---|---|---|
${runs.map(summaryRow).join('\n')}

The slot-guard run restarts both service-a instances with \`REPLICATION_SLOT_WAL_BUDGET_BYTES=${args['wal-budget']}\` (${Number(args['wal-budget']) / 2 ** 20} MiB) before it and with the configured budget after it: the default, 2 GiB, is far more WAL than a run here writes.

## Each fault

${runs.map(details).join('\n')}`);
