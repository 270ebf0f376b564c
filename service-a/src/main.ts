import { CalculatorServiceDefinition, calculatorDescriptorSet, createTracing } from '@calculator/proto';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import closeWithGrace from 'close-with-grace';
import { createServer } from 'nice-grpc';
import { HealthDefinition, HealthServiceImpl, HealthState } from 'nice-grpc-server-health';
import { ServerReflection, ServerReflectionService } from 'nice-grpc-server-reflection';
import { createCalculator } from './calculator.js';
import { loadConfig } from './config.js';
import { startDatabaseProbe } from './db/database-probe.js';
import { insertOutboxRows, type OutboxRow, type RecordedSum } from './db/outbox-insert.js';
import { isPerRowError } from './db/pg-errors.js';
import { createPool } from './db/pool.js';
import { readReplicationSlot } from './db/replication-slot.js';
import { startRequestKeyPruner } from './db/request-key-pruner.js';
import { createEventIds } from './event-ids.js';
import { createEventEncoder } from './events/event-encoder.js';
import { createGroupCommit } from './group-commit.js';
import { createLogger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { retryUntilDone } from './retry-until-done.js';
import { createCalculatorService } from './transport/calculator-service.js';
import { grpcMiddleware } from './transport/grpc-middleware.js';
import { createHttpServer } from './transport/http-server.js';

const config = loadConfig();
const logger = createLogger({ level: config.LOG_LEVEL, instance: config.INSTANCE_ID });
const dbLogger = logger.child({ component: 'db' });
const tracing = createTracing({
  serviceName: 'service-a',
  instanceId: config.INSTANCE_ID,
  otlpEndpoint: config.TRACING_OTLP_ENDPOINT ?? null,
  sampleRatio: config.TRACING_SAMPLE_RATIO,
});
const pool = createPool(
  {
    connectionString: config.DATABASE_URL,
    // One connection per group commit in flight, plus one for probes, replays and pruning.
    max: Math.max(config.DATABASE_POOL_SIZE, config.OUTBOX_MAX_IN_FLIGHT + 1),
    connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
  },
  dbLogger,
);

// The flush reads `metrics` only when a call is written, after both exist.
const outbox = createGroupCommit<OutboxRow, RecordedSum>({
  flush: async (rows) => {
    const stopTimer = metrics.outboxBatchDuration.startTimer();
    try {
      const recorded = await insertOutboxRows(pool, rows);
      stopTimer({ outcome: 'committed' });
      return recorded;
    } catch (error) {
      stopTimer({ outcome: 'failed' });
      throw error;
    }
  },
  isPerRowError,
  maxQueuedRows: config.OUTBOX_MAX_QUEUED_ROWS,
  maxBatchRows: config.OUTBOX_MAX_BATCH_ROWS,
  maxInFlight: config.OUTBOX_MAX_IN_FLIGHT,
  minBatchIntervalMs: config.OUTBOX_MIN_BATCH_INTERVAL_MS,
  onBatch: (rows) => metrics.outboxBatchRows.observe(rows),
});

// NOT_SERVING while starting, while draining, while the database is unreachable and while writes
// are paused for the replication slot's sake.
const health = HealthState();
let started = false;
let draining = false;
const probe = startDatabaseProbe({
  readSlot: () => readReplicationSlot(pool, config.REPLICATION_SLOT),
  slotName: config.REPLICATION_SLOT,
  walBudgetBytes: config.REPLICATION_SLOT_WAL_BUDGET_BYTES,
  intervalMs: 2000,
  logger: dbLogger,
  onChange: () => updateHealth(),
});
function notReadyReasons(): string[] {
  const reasons = probe.notReadyReasons();
  if (!started) reasons.unshift('starting: registering the event schema and reaching the database');
  if (draining) reasons.unshift('draining for shutdown');
  return reasons;
}
function updateHealth(): void {
  const status = notReadyReasons().length === 0 ? 'healthy' : 'unhealthy';
  health.setStatus(status);
  health.setStatus(status, 'calculator.v1.CalculatorService');
}
updateHealth();

const metrics = createMetrics(config.INSTANCE_ID, {
  queuedRows: outbox.queuedRows,
  pool: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  slot: {
    name: config.REPLICATION_SLOT,
    retainedWalBytes: probe.retainedWalBytes,
    writesPaused: () => probe.writeRefusal() !== null,
  },
});

const encoder = createEventEncoder(new SchemaRegistry({ host: config.SCHEMA_REGISTRY_URL }), config.USER_EVENTS_TOPIC);
const calculator = createCalculator({
  encoder,
  outbox,
  newEventId: createEventIds(),
  now: () => Date.now(),
  writeRefusal: probe.writeRefusal,
  tracer: tracing.tracer,
  topic: config.USER_EVENTS_TOPIC,
});

const grpcServer = createServer({
  'grpc.max_receive_message_length': config.MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': config.MAX_MESSAGE_BYTES,
}).use(grpcMiddleware(metrics, logger.child({ component: 'grpc' }), tracing.tracer));
grpcServer.add(CalculatorServiceDefinition, createCalculatorService(calculator));
grpcServer.add(HealthDefinition, HealthServiceImpl(health));
grpcServer.add(
  ServerReflectionService,
  ServerReflection(calculatorDescriptorSet, ['calculator.v1.CalculatorService', 'grpc.health.v1.Health']),
);
const httpServer = createHttpServer({
  calculator,
  metrics,
  notReadyReasons,
  logger: logger.child({ component: 'http' }),
  bodyLimitBytes: config.MAX_MESSAGE_BYTES,
  tracer: tracing.tracer,
});
const pruner = startRequestKeyPruner(pool, config.IDEMPOTENCY_WINDOW_SECONDS, 60_000, dbLogger);

closeWithGrace({ delay: 20_000, logger }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'stopping after an unexpected error');
  logger.info({ signal }, 'draining');
  draining = true;
  updateHealth();
  // Stop intake, let in-flight calls finish (they wait for their commit), then close clients.
  await Promise.all([grpcServer.shutdown(), httpServer.close()]);
  await outbox.drain();
  pruner.close();
  probe.close();
  await pool.end();
  await tracing.close();
  logger.info('stopped');
});

// Ports open only once a call can be served: before the schema is registered and the database
// answers, every call would fail. The first probe also reads the slot, so writes start judged.
const schemaId = await retryUntilDone(
  () => encoder.register(),
  logger.child({ component: 'registry' }),
  'register event schema',
);
await retryUntilDone(() => probe.check(), dbLogger, 'reach the database');
if (!draining) {
  await httpServer.listen({ host: config.GRPC_HOST, port: config.HTTP_PORT });
  await grpcServer.listen(`${config.GRPC_HOST}:${config.GRPC_PORT}`);
  started = true;
  updateHealth();
  logger.info({ grpcPort: config.GRPC_PORT, httpPort: config.HTTP_PORT, schemaId }, 'service-a ready');
}
