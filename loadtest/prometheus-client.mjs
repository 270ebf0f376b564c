// The Prometheus HTTP API reads the benchmark reports need.

/** Instant and range queries against the Prometheus at `baseUrl`; a failed query throws with its PromQL. */
export function prometheusClient(baseUrl) {
  async function query(path, params) {
    const response = await fetch(`${baseUrl}/api/v1/${path}?${new URLSearchParams(params)}`);
    const body = await response.json();
    if (body.status !== 'success') throw new Error(`Prometheus ${path} ${params.query}: ${body.error}`);
    return body.data.result;
  }
  return {
    /** The first series' value at `time`, NaN when there is none. */
    async instant(promql, time) {
      return Number((await query('query', { query: promql, time }))[0]?.value[1] ?? Number.NaN);
    },
    /** Every series' labels and value at `time`. */
    async vector(promql, time) {
      return (await query('query', { query: promql, time })).map(({ metric, value }) => ({
        metric,
        value: Number(value[1]),
      }));
    },
    /** The first series' values from `start` to `end` every `step` seconds, by timestamp. */
    async range(promql, start, end, step) {
      const result = await query('query_range', { query: promql, start, end, step });
      return new Map((result[0]?.values ?? []).map(([t, v]) => [t, Number(v)]));
    },
  };
}
