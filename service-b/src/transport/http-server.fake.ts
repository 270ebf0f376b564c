import { pino } from 'pino';
import { createFakeCalculationStore } from '../db/calculation-store.fake.js';
import { createMetrics } from '../observability/metrics.js';
import { createHttpServer, type HttpServerDeps } from './http-server.js';

/** service-b's HTTP server for tests: quiet defaults for every dependency a test does not name. */
export function createTestHttpServer(deps: Partial<HttpServerDeps> = {}) {
  return createHttpServer({
    store: createFakeCalculationStore(),
    notifications: { subscribe: () => () => {} },
    metrics: createMetrics(),
    notReadyReasons: () => [],
    logger: pino({ level: 'silent' }),
    maxStreams: 10,
    ...deps,
  });
}
