import { CalculatorServiceDefinition, calculatorDescriptorSet } from '@calculator/proto';
import closeWithGrace from 'close-with-grace';
import { createServer } from 'nice-grpc';
import { HealthDefinition, HealthServiceImpl, HealthState } from 'nice-grpc-server-health';
import { ServerReflection, ServerReflectionService } from 'nice-grpc-server-reflection';
import { v7 as uuidv7 } from 'uuid';
import { createCalculator } from './calculator.js';
import { loadConfig } from './config.js';
import { startDatabaseProbe } from './db/database-probe.js';
import { createGroupCommit } from './db/group-commit.js';
import { insertOutboxRows, type OutboxRow, type RecordedSum } from './db/outbox-insert.js';
import { isPerRowError } from './db/pg-errors.js';
import { createPool } from './db/pool.js';
import { startRequestKeyPruner } from './db/request-key-pruner.js';
import { createEventEncoder } from './events/event-encoder.js';
import { createLogger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { retryUntilDone } from './retry-until-done.js';
import { createCalculatorService } from './transport/calculator-service.js';
import { createHttpServer } from './transport/http-server.js';
import { mapErrorsMiddleware } from './transport/map-errors.js';
import { metricsMiddleware } from './transport/metrics-middleware.js';

const config = loadConfig();
const logger = createLogger({ level: config.LOG_LEVEL, instance: config.INSTANCE_ID });
const dbLogger = logger.child({ component: 'db' });
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
  onBatch: (rows) => metrics.outboxBatchRows.observe(rows),
});
const metrics = createMetrics(config.INSTANCE_ID, {
  queuedRows: outbox.queuedRows,
  pool: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
});

const encoder = createEventEncoder(config.SCHEMA_REGISTRY_URL, config.USER_EVENTS_TOPIC);
const calculator = createCalculator({ encoder, outbox, newEventId: () => uuidv7(), now: () => Date.now() });

// NOT_SERVING while starting, while draining and while the database is unreachable.
const health = HealthState();
let started = false;
let draining = false;
const probe = startDatabaseProbe(pool, 2000, dbLogger, () => updateHealth());
const isReady = () => started && !draining && probe.isHealthy();
function updateHealth(): void {
  health.setStatus(isReady() ? 'healthy' : 'unhealthy');
  health.setStatus(isReady() ? 'healthy' : 'unhealthy', 'calculator.v1.CalculatorService');
}
updateHealth();

const grpcServer = createServer({
  'grpc.max_receive_message_length': config.MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': config.MAX_MESSAGE_BYTES,
})
  .use(metricsMiddleware(metrics))
  .use(mapErrorsMiddleware(logger.child({ component: 'grpc' })));
grpcServer.add(CalculatorServiceDefinition, createCalculatorService(calculator));
grpcServer.add(HealthDefinition, HealthServiceImpl(health));
grpcServer.add(ServerReflectionService, ServerReflection(calculatorDescriptorSet, ['calculator.v1.CalculatorService']));
const httpServer = createHttpServer({
  calculator,
  registry: metrics.registry,
  isReady,
  logger: logger.child({ component: 'http' }),
  bodyLimitBytes: config.MAX_MESSAGE_BYTES,
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
  logger.info('stopped');
});

await httpServer.listen({ host: config.GRPC_HOST, port: config.HTTP_PORT });
await grpcServer.listen(`${config.GRPC_HOST}:${config.GRPC_PORT}`);
const schemaId = await retryUntilDone(
  () => encoder.register(),
  logger.child({ component: 'registry' }),
  'register event schema',
);
await retryUntilDone(() => pool.query('SELECT 1'), dbLogger, 'reach the database');
started = true;
updateHealth();
logger.info({ grpcPort: config.GRPC_PORT, httpPort: config.HTTP_PORT, schemaId }, 'service-a ready');
