// CPU use per process from sample-processes.mjs' samples, as % of one core.

/** Instances (service-a-1, service-a-2) count as one process kind (service-a) in the chart. */
const kindOf = (name) => name.replace(/-\d+$/, '');

export function cpuUsage(samples) {
  const first = samples[0];
  const last = samples.at(-1);
  const share = (before, after, name) =>
    ((after.cpu[name] - (before.cpu[name] ?? 0)) / (after.t - before.t || 1)) * 100;
  /** Per process, averaged over the whole run, busiest first. */
  const perProcess = Object.keys(last.cpu)
    .map((name) => [name, share(first, last, name)])
    .sort((a, b) => b[1] - a[1]);
  /** Per process, CPU seconds used over the whole run, busiest first. */
  const seconds = Object.keys(last.cpu)
    .map((name) => [name, last.cpu[name] - (first.cpu[name] ?? 0)])
    .sort((a, b) => b[1] - a[1]);
  /** The kinds worth a line in the chart (2 % of a core or more on average). */
  const kinds = [...new Set(perProcess.filter(([, s]) => s >= 2).map(([name]) => kindOf(name)))];
  return {
    perProcess,
    seconds,
    kinds,
    /** How busy the whole machine was, in % of all its cores. */
    machineShare: (cores) => perProcess.reduce((sum, [, s]) => sum + s, 0) / cores,
    /** Per kind, over the `seconds` before time `t`. */
    kindsAt(t, seconds) {
      const before = samples.findLast((s) => s.t <= t - seconds) ?? first;
      const after = samples.findLast((s) => s.t <= t) ?? first;
      return kinds.map((kind) =>
        Object.keys(after.cpu)
          .filter((name) => kindOf(name) === kind)
          .reduce((sum, name) => sum + share(before, after, name), 0),
      );
    },
  };
}
