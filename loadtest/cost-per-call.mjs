// CPU milliseconds per accepted call, per process and for the stack without the load generator:
// the figure that says what a call costs, steadier from run to run than latency.

/** Process names (as /proc comm) of the load generators: sampled, but not part of the stack's cost. */
export const LOAD_GENERATORS = ['k6', 'ghz'];

/**
 * `seconds`: [name, CPU seconds over the run] pairs; `accepted`: OK answers in the run.
 * Returns the per-process rows, the stack's total (load generator excluded) and the rate that
 * total would allow if the machine's cores did nothing else.
 */
export function costPerCall(seconds, accepted, cores) {
  const perCall = (cpuSeconds) => (accepted > 0 ? (cpuSeconds * 1000) / accepted : Number.NaN);
  const rows = seconds.map(([name, cpuSeconds]) => ({
    name,
    msPerCall: perCall(cpuSeconds),
    loadGenerator: LOAD_GENERATORS.includes(name),
  }));
  const stackMs = rows.filter((r) => !r.loadGenerator).reduce((sum, r) => sum + r.msPerCall, 0);
  return { rows, stackMs, capacityPerSecond: stackMs > 0 ? (cores * 1000) / stackMs : Number.NaN };
}

/** The report's table: one row per process, then the stack's total and the capacity it implies. */
export function costTable(cost, cores) {
  const fmt = (ms) => (Number.isFinite(ms) ? ms.toFixed(3) : 'n/a');
  return [
    '| process | CPU ms per accepted call |',
    '|---|---|',
    ...cost.rows.map((r) => `| ${r.name}${r.loadGenerator ? ' (load generator)' : ''} | ${fmt(r.msPerCall)} |`),
    `| **stack, load generator excluded** | **${fmt(cost.stackMs)}** |`,
    `| capacity this implies on ${cores} cores | ${Number.isFinite(cost.capacityPerSecond) ? Math.round(cost.capacityPerSecond) : 'n/a'} calls/s |`,
  ].join('\n');
}
