import { CalculatorServiceDefinition } from '@calculator/proto';
import closeWithGrace from 'close-with-grace';
import { createServer } from 'nice-grpc';
import { HealthDefinition, HealthServiceImpl, HealthState } from 'nice-grpc-server-health';
import { v7 as uuidv7 } from 'uuid';
import { loadConfig } from './config.js';
import { createOutboxWriter } from './db/outbox-writer.js';
import { createPool } from './db/pool.js';
import { createEventEncoder } from './events/event-encoder.js';
import { createLogger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { retryUntilDone } from './retry-until-done.js';
import { createCalculatorService } from './transport/calculator-service.js';
import { mapErrorsMiddleware } from './transport/map-errors.js';
import { metricsMiddleware } from './transport/metrics-middleware.js';
import { createOpsHttpServer } from './transport/ops-http-server.js';

const config = loadConfig();
const logger = createLogger({ level: config.LOG_LEVEL, instance: config.INSTANCE_ID });
const metrics = createMetrics(config.INSTANCE_ID);
const pool = createPool(
  {
    connectionString: config.DATABASE_URL,
    max: config.DATABASE_POOL_SIZE,
    connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
  },
  logger.child({ component: 'db' }),
);
const encoder = createEventEncoder(config.SCHEMA_REGISTRY_URL, config.USER_EVENTS_TOPIC);
const outbox = createOutboxWriter(pool, encoder, metrics);

const health = HealthState();
health.setStatus('unhealthy');
let ready = false;

const server = createServer()
  .use(metricsMiddleware(metrics))
  .use(mapErrorsMiddleware(logger.child({ component: 'grpc' })));
server.add(
  CalculatorServiceDefinition,
  createCalculatorService({ outbox, newEventId: () => uuidv7(), now: () => Date.now() }),
);
server.add(HealthDefinition, HealthServiceImpl(health));
const opsServer = createOpsHttpServer(metrics.registry, () => ready);

closeWithGrace({ delay: 20_000, logger }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'stopping after an unexpected error');
  logger.info({ signal }, 'shutting down');
  ready = false;
  health.setStatus('unhealthy');
  await server.shutdown();
  await opsServer.close();
  await pool.end();
});

await opsServer.listen(config.GRPC_HOST, config.METRICS_PORT);
const schemaId = await retryUntilDone(
  () => encoder.register(),
  logger.child({ component: 'registry' }),
  'register event schema',
);
await retryUntilDone(() => pool.query('SELECT 1'), logger.child({ component: 'db' }), 'reach the database');
await server.listen(`${config.GRPC_HOST}:${config.GRPC_PORT}`);
ready = true;
health.setStatus('healthy');
logger.info({ grpcPort: config.GRPC_PORT, metricsPort: config.METRICS_PORT, schemaId }, 'service-a ready');
