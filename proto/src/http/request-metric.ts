/** The route label of a request no route took: one value for every unknown URL. */
export const UNMATCHED_ROUTE = 'unmatched';

// Scrapes and probes are not the API: Prometheus times its own scrapes (scrape_duration_seconds), and
// a /readyz 503 while the instance is not ready is the answer asked for, not a server error.
const UNMEASURED_ROUTES: ReadonlySet<string> = new Set(['/metrics', '/healthz', '/readyz']);

/** What fastify's onResponse hook has of a request and its reply, as far as the metric needs it. */
export interface AnsweredRequest {
  method: string;
  routeOptions: { url?: string };
}
export interface SentReply {
  statusCode: number;
  /** Milliseconds from receiving the request. */
  elapsedTime: number;
}

type RequestLabels = { method: string; route: string; status_code: number };

/**
 * Records one answered request in http_server_request_duration_seconds. The route label is the
 * pattern fastify matched (`/v1/users/:userId/summary`), never the raw URL, so its values stay
 * bounded; `skip` leaves out what a service does not count (its live streams).
 */
export function observeRequest(
  histogram: { observe(labels: RequestLabels, seconds: number): void },
  request: AnsweredRequest,
  reply: SentReply,
  skip: (route: string, statusCode: number) => boolean = () => false,
): void {
  const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
  if (UNMEASURED_ROUTES.has(route) || skip(route, reply.statusCode)) return;
  histogram.observe({ method: request.method, route, status_code: reply.statusCode }, reply.elapsedTime / 1000);
}
