import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  rpcHandled: Counter<'method' | 'code'>;
  rpcDuration: Histogram<'method' | 'code'>;
  outboxWriteDuration: Histogram<'outcome'>;
}

/** The process' one metrics registry, with every metric service-a exports. */
export function createMetrics(instance: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'service-a', instance });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    rpcHandled: new Counter({
      name: 'grpc_server_handled_total',
      help: 'gRPC calls completed, by method and status code',
      labelNames: ['method', 'code'],
      registers: [registry],
    }),
    rpcDuration: new Histogram({
      name: 'grpc_server_handling_seconds',
      help: 'Time from receiving a gRPC call to answering it',
      labelNames: ['method', 'code'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    outboxWriteDuration: new Histogram({
      name: 'outbox_write_seconds',
      help: 'Time to encode and commit one event to the outbox',
      labelNames: ['outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}
