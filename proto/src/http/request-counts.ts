/** What prom-client's `histogram.get()` gives, as far as counting needs it. */
interface HistogramValues {
  get(): Promise<{
    values: readonly { metricName?: string; labels: Partial<Record<string, string | number>>; value: number }[];
  }>;
}

/**
 * The observations of http_server_request_duration_seconds per label set, keyed
 * `METHOD route status` (`GET /v1/users/:userId/summary 404`), as the registry exports them.
 */
export async function requestCounts(histogram: HistogramValues): Promise<Record<string, number>> {
  const { values } = await histogram.get();
  return Object.fromEntries(
    values
      .filter((value) => value.metricName?.endsWith('_count'))
      .map((value) => [`${value.labels.method} ${value.labels.route} ${value.labels.status_code}`, value.value]),
  );
}
