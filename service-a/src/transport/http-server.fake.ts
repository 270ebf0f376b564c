import { trace } from '@opentelemetry/api';
import { pino } from 'pino';
import { createFakeMetrics } from '../observability/metrics.fake.js';
import { createHttpServer, type HttpServerDeps } from './http-server.js';

/** service-a's HTTP server for tests: quiet defaults for every dependency a test does not name. */
export function createTestHttpServer(deps: Partial<HttpServerDeps> = {}) {
  return createHttpServer({
    calculator: {
      calculateSum: async () => ({ sum: 0, eventId: 'e', replayed: false }),
      calculateSums: async () => [],
    },
    metrics: createFakeMetrics(),
    notReadyReasons: () => [],
    logger: pino({ level: 'silent' }),
    bodyLimitBytes: 1_048_576,
    tracer: trace.getTracer('test'),
    ...deps,
  });
}
