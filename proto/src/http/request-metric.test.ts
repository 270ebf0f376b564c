import { describe, expect, it } from 'vitest';
import { observeRequest } from './request-metric.js';

function recorder() {
  const seen: unknown[][] = [];
  return { seen, histogram: { observe: (labels: object, seconds: number) => seen.push([labels, seconds]) } };
}

describe('observeRequest', () => {
  it('labels by method, the matched route pattern (unmatched when none) and status, in seconds', () => {
    const { seen, histogram } = recorder();
    observeRequest(
      histogram,
      { method: 'GET', routeOptions: { url: '/v1/users/:userId' } },
      { statusCode: 200, elapsedTime: 250 },
    );
    observeRequest(histogram, { method: 'POST', routeOptions: {} }, { statusCode: 404, elapsedTime: 1 });
    expect(seen).toEqual([
      [{ method: 'GET', route: '/v1/users/:userId', status_code: 200 }, 0.25],
      [{ method: 'POST', route: 'unmatched', status_code: 404 }, 0.001],
    ]);
  });

  it('leaves out scrapes, probes and what the service skips', () => {
    const { seen, histogram } = recorder();
    for (const url of ['/metrics', '/healthz', '/readyz']) {
      observeRequest(histogram, { method: 'GET', routeOptions: { url } }, { statusCode: 503, elapsedTime: 1 });
    }
    const skipStreams = (route: string, status: number) => route === '/v1/stream' && status === 200;
    observeRequest(
      histogram,
      { method: 'GET', routeOptions: { url: '/v1/stream' } },
      { statusCode: 200, elapsedTime: 9 },
      skipStreams,
    );
    observeRequest(
      histogram,
      { method: 'GET', routeOptions: { url: '/v1/stream' } },
      { statusCode: 503, elapsedTime: 9 },
      skipStreams,
    );
    expect(seen).toEqual([[{ method: 'GET', route: '/v1/stream', status_code: 503 }, 0.009]]);
  });
});
