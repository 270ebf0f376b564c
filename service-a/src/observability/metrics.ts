import { CalculatorServiceDefinition } from '@calculator/proto';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  rpcHandled: Counter<'method' | 'code'>;
  rpcDuration: Histogram<'method' | 'code'>;
  outboxBatchRows: Histogram;
  outboxBatchDuration: Histogram<'outcome'>;
  httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
}

/** Every CalculatorService method as the gRPC middleware labels it (nice-grpc's method path). */
const CALCULATOR_METHODS = Object.values(CalculatorServiceDefinition.methods).map(
  (method) => `/${CalculatorServiceDefinition.fullName}/${method.name}`,
);

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export interface MetricsSources {
  queuedRows: () => number;
  pool: () => { total: number; idle: number; waiting: number };
  slot: { name: string; retainedWalBytes: () => number | null; writesPaused: () => boolean };
}

/** The process' one metrics registry, with every metric service-a exports. */
export function createMetrics(instance: string, sources: MetricsSources): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'service-a', instance });
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'outbox_queue_rows',
    help: 'Events waiting for the next group commit',
    registers: [registry],
    collect() {
      this.set(sources.queuedRows());
    },
  });
  new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections by state (total, idle) and callers waiting for one',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const pool = sources.pool();
      this.set({ state: 'total' }, pool.total);
      this.set({ state: 'idle' }, pool.idle);
      this.set({ state: 'waiting' }, pool.waiting);
    },
  });
  new Gauge({
    name: 'replication_slot_retained_wal_bytes',
    help: 'WAL the outbox replication slot keeps from removal, as last read; absent while the slot is missing',
    labelNames: ['slot'],
    registers: [registry],
    collect() {
      const retained = sources.slot.retainedWalBytes();
      if (retained === null) this.reset();
      else this.set({ slot: sources.slot.name }, retained);
    },
  });
  new Gauge({
    name: 'outbox_writes_paused',
    help: '1 while new writes are refused: the replication slot is missing, lost, over its WAL budget or not read yet',
    registers: [registry],
    collect() {
      this.set(sources.slot.writesPaused() ? 1 : 0);
    },
  });
  const rpcHandled = new Counter({
    name: 'grpc_server_handled_total',
    help: 'gRPC calls completed, by method and status code',
    labelNames: ['method', 'code'],
    registers: [registry],
  });
  // A series from the start, so an instance that has had no call yet (nginx fills service-a-1
  // first) shows a rate of 0 rather than nothing.
  for (const method of CALCULATOR_METHODS) rpcHandled.inc({ method, code: 'OK' }, 0);
  return {
    registry,
    rpcHandled,
    rpcDuration: new Histogram({
      name: 'grpc_server_handling_seconds',
      help: 'Time from receiving a gRPC call to answering it',
      labelNames: ['method', 'code'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    outboxBatchRows: new Histogram({
      name: 'outbox_batch_rows',
      help: 'Events written by one group commit',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
      registers: [registry],
    }),
    outboxBatchDuration: new Histogram({
      name: 'outbox_batch_write_seconds',
      help: 'Time to commit one group commit to the outbox',
      labelNames: ['outcome'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    httpRequestDuration: new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'Time from receiving an HTTP request to answering it, by method, route pattern (unmatched for no route) and status code',
      labelNames: ['method', 'route', 'status_code'],
      // POST /v1/sum waits for its group commit like a gRPC call: the same range, 0.5 ms to 2.5 s.
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
  };
}
