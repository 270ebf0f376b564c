// Memory over a run: the peak resident memory of each program (its largest process, from the
// sampler's /proc readings) and the JVMs' heaps (from their JMX exporters, scraped every 5 s).

const MiB = 2 ** 20;
/** The limit for each Node process (service-a and service-b instances) at the ceiling. */
export const NODE_RSS_LIMIT_BYTES = 200 * MiB;
const isNodeService = (name) => /^service-[ab]-\d+$/.test(name);

/** Per program, the highest resident memory of its largest process over the samples, largest first. */
export function peakResidentMemory(samples) {
  const peaks = {};
  for (const { rss = {} } of samples) {
    for (const [name, bytes] of Object.entries(rss)) peaks[name] = Math.max(peaks[name] ?? 0, bytes);
  }
  return Object.entries(peaks).sort((a, b) => b[1] - a[1]);
}

/** Per JVM job (kafka, connect, registry), over the `window` ending at `time`. */
export async function jvmHeaps(prometheus, window, time) {
  const byJob = async (promql) =>
    new Map((await prometheus.vector(promql, time)).map(({ metric, value }) => [metric.job, value]));
  const heap = (metric) => `sum by (job) (${metric}{area="heap"})`;
  const [used, max, oldAfterGc, gcSeconds] = await Promise.all([
    byJob(`max_over_time(${heap('jvm_memory_used_bytes')}[${window}:5s])`),
    byJob(`max_over_time(${heap('jvm_memory_max_bytes')}[${window}:5s])`),
    // The old generation's use after its last full collection: live data then (young ones are emptied by
    // a collection). Parallel GC updates it only on a full collection, which may predate the run.
    byJob(`max_over_time(max by (job) (jvm_memory_pool_collection_used_bytes{pool=~".*Old Gen"})[${window}:5s])`),
    byJob(`sum by (job) (increase(jvm_gc_collection_seconds_sum[${window}]))`),
  ]);
  return [...max.keys()].sort().map((job) => ({
    job,
    usedBytes: used.get(job),
    maxBytes: max.get(job),
    oldAfterGcBytes: oldAfterGc.get(job),
    gcSeconds: gcSeconds.get(job),
  }));
}

const mib = (bytes) => (Number.isFinite(bytes) ? `${(bytes / MiB).toFixed(0)} MiB` : 'n/a');

/** The report's memory section: resident memory per program (Node's against its limit), then the JVM heaps. */
export function memoryTables(peaks, heaps) {
  const verdict = (name, bytes) =>
    isNodeService(name) ? (bytes <= NODE_RSS_LIMIT_BYTES ? ' (within 200 MiB)' : ' **(over 200 MiB)**') : '';
  return [
    '| program | resident memory, peak (its largest process) |',
    '|---|---|',
    ...peaks.map(([name, bytes]) => `| ${name} | ${mib(bytes)}${verdict(name, bytes)} |`),
    '',
    '| JVM | heap used, peak | heap max | old generation after its last full collection | GC time over the run |',
    '|---|---|---|---|---|',
    ...heaps.map((h) => {
      const live = h.oldAfterGcBytes > 0 ? mib(h.oldAfterGcBytes) : 'no full collection yet';
      const gc = Number.isFinite(h.gcSeconds) ? `${(h.gcSeconds * 1000).toFixed(0)} ms` : 'n/a';
      return `| ${h.job} | ${mib(h.usedBytes)} | ${mib(h.maxBytes)} | ${live} | ${gc} |`;
    }),
  ].join('\n');
}
