import { createTracing } from '@calculator/proto';
import { KafkaJS } from '@confluentinc/kafka-javascript';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import closeWithGrace from 'close-with-grace';
import { loadConfig } from './config.js';
import { CALCULATIONS_APPLIED_CHANNEL, createCalculationStore } from './db/calculation-store.js';
import { migrate } from './db/migrate.js';
import { createNotificationListener } from './db/notification-listener.js';
import { createPool } from './db/pool.js';
import { createEventDecoder } from './events/event-decoder.js';
import { registerConsumerLagMetric } from './kafka/consumer-lag.js';
import { createDeadLetterPublisher } from './kafka/dead-letter-publisher.js';
import { createEventConsumer } from './kafka/event-consumer.js';
import { kafkaLogger } from './kafka/kafka-logger.js';
import { createLogger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { retryUntilDone } from './retry-until-done.js';
import { createHttpServer } from './transport/http-server.js';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL).child({ instance: config.INSTANCE_ID });
const metrics = createMetrics();
const tracing = createTracing({
  serviceName: 'service-b',
  instanceId: config.INSTANCE_ID,
  otlpEndpoint: config.TRACING_OTLP_ENDPOINT ?? null,
  sampleRatio: config.TRACING_SAMPLE_RATIO,
});
const pool = createPool(config.DATABASE_URL, config.DATABASE_POOL_SIZE, logger.child({ component: 'db' }));
const store = createCalculationStore(pool);
const notifications = createNotificationListener({
  channel: CALCULATIONS_APPLIED_CHANNEL,
  connectionString: config.DATABASE_URL,
  logger: logger.child({ component: 'db-listener' }),
});

const kafka = new KafkaJS.Kafka({
  kafkaJS: {
    brokers: config.KAFKA_BROKERS,
    clientId: config.INSTANCE_ID,
    logger: kafkaLogger(logger.child({ component: 'kafka' })),
  },
});
const producer = kafka.producer({ kafkaJS: { idempotent: true, acks: -1 } });
const consumer = kafka.consumer({
  kafkaJS: {
    groupId: config.KAFKA_GROUP_ID,
    fromBeginning: true,
    // Offsets are committed by the consumer loop, after the database commit.
    autoCommit: false,
    sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS,
    heartbeatInterval: 3000,
    partitionAssigners: [KafkaJS.PartitionAssigners.cooperativeSticky],
  },
  'js.consumer.max.batch.size': config.KAFKA_MAX_BATCH_SIZE,
});

const admin = kafka.admin();
registerConsumerLagMetric({
  registry: metrics.registry,
  consumer,
  admin,
  topic: config.KAFKA_TOPIC,
  logger: logger.child({ component: 'consumer-lag' }),
});

let consuming = false;
const eventConsumer = createEventConsumer({
  consumer,
  topic: config.KAFKA_TOPIC,
  partitionsAtOnce: config.KAFKA_PARTITIONS_AT_ONCE,
  decoder: createEventDecoder(new SchemaRegistry({ host: config.SCHEMA_REGISTRY_URL })),
  store,
  deadLetters: createDeadLetterPublisher({
    producer,
    topic: config.KAFKA_DEAD_LETTER_TOPIC,
    maxBytes: config.KAFKA_DEAD_LETTER_MAX_BYTES,
  }),
  metrics,
  logger: logger.child({ component: 'consumer' }),
  tracer: tracing.tracer,
});
const http = createHttpServer({
  store,
  notifications,
  metrics,
  notReadyReasons: () => {
    const stalled = eventConsumer.stallReason();
    return [...(consuming ? [] : ['the consumer is not running']), ...(stalled === undefined ? [] : [stalled])];
  },
  logger: logger.child({ component: 'http' }),
  maxStreams: config.HTTP_MAX_STREAMS,
});

closeWithGrace({ delay: 20_000, logger }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'stopping after an unexpected error');
  logger.info({ signal }, 'shutting down');
  consuming = false;
  await eventConsumer.close();
  await producer.disconnect();
  await admin.disconnect();
  await http.close();
  await notifications.close();
  await pool.end();
  await tracing.close();
});

const migrations = await retryUntilDone(() => migrate(pool), logger.child({ component: 'db' }), 'migrate the database');
logger.info({ applied: migrations }, 'database schema up to date');
notifications.start();
await http.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
await producer.connect();
await admin.connect();
await eventConsumer.start();
consuming = true;
logger.info({ port: config.HTTP_PORT, topic: config.KAFKA_TOPIC, group: config.KAFKA_GROUP_ID }, 'service-b ready');
