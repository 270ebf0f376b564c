import { createMetrics, type Metrics } from './metrics.js';

/** The real registry for tests, fed by an idle queue, an empty pool and a slot within its budget. */
export function createFakeMetrics(): Metrics {
  return createMetrics('test', {
    queuedRows: () => 0,
    pool: () => ({ total: 0, idle: 0, waiting: 0 }),
    slot: { name: 'outbox_slot', retainedWalBytes: () => 0, writesPaused: () => false },
  });
}
