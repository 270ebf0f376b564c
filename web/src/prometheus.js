/**
 * @typedef {{ metric: Record<string, string>, value: [number, string] }} InstantSample
 * @typedef {{ metric: Record<string, string>, values: [number, string][] }} RangeSeries
 */

/** The read-only part of Prometheus' HTTP API that nginx serves on the page's origin. */
const BASE = '/prometheus/api/v1';

/**
 * @param {string} path
 * @param {Record<string, string>} params
 */
async function get(path, params) {
  const response = await fetch(`${BASE}/${path}?${new URLSearchParams(params)}`);
  const body = await response.json();
  if (body.status !== 'success') throw new Error(body.error ?? `Prometheus answered ${response.status}`);
  return body.data.result;
}

/**
 * @param {string} promql
 * @returns {Promise<InstantSample[]>}
 */
export const query = (promql) => get('query', { query: promql });

/**
 * @param {string} promql
 * @param {{ seconds: number, stepSeconds: number }} window The last `seconds`, one point per step.
 * @returns {Promise<RangeSeries[]>}
 */
export function queryRange(promql, { seconds, stepSeconds }) {
  const end = Math.floor(Date.now() / 1000);
  return get('query_range', {
    query: promql,
    start: String(end - seconds),
    end: String(end),
    step: String(stepSeconds),
  });
}

/** The one number an aggregating query answers; undefined when it has no series (nothing to sum yet). */
/** @param {InstantSample[]} samples */
export const scalarOf = (samples) => (samples[0] === undefined ? undefined : Number(samples[0].value[1]));

/**
 * @typedef {object} Target
 * @property {string} job
 * @property {string} address The scrape address (Prometheus' `instance` label).
 * @property {string} name The process' name, e.g. service-b-2.
 * @property {boolean} up Whether the last scrape succeeded.
 */

/**
 * Prometheus' `up`, one row per target, named as the stack names its processes. A job with one
 * target is named after the job; the targets of a job with several (service-a, service-b) are
 * numbered in address order, which is how render-config.sh gives the instances their ports.
 * @param {InstantSample[]} up
 * @returns {Target[]}
 */
export function targetsOf(up) {
  /** @type {Map<string, InstantSample[]>} */
  const byJob = new Map();
  for (const sample of up) {
    const job = sample.metric.job ?? '';
    byJob.set(job, [...(byJob.get(job) ?? []), sample]);
  }
  return [...byJob.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([job, samples]) =>
      samples
        .map((sample) => sample.metric.instance ?? '')
        .sort(compareAddresses)
        .map((address, i, all) => ({
          job,
          address,
          name: all.length === 1 ? job : `${job}-${i + 1}`,
          up: samples.find((sample) => sample.metric.instance === address)?.value[1] === '1',
        })),
    );
}

/** host:port, ports compared as numbers (9 before 10). */
/** @param {string} a @param {string} b */
function compareAddresses(a, b) {
  const [hostA = '', portA = '0'] = a.split(/:(?=\d+$)/);
  const [hostB = '', portB = '0'] = b.split(/:(?=\d+$)/);
  return hostA.localeCompare(hostB) || Number(portA) - Number(portB);
}
