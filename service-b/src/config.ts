import { z } from 'zod';

/** A comma-separated broker list, as KAFKA_BROKERS is written; shared with the operator commands' config. */
export const brokerListSchema = z
  .string()
  .min(1)
  .transform((value) => value.split(',').map((broker) => broker.trim()));

const configSchema = z.object({
  /** Names this instance in logs and as the Kafka client id (instances share the consumer group). */
  INSTANCE_ID: z.string().min(1).default('service-b'),
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Live streams one instance serves at once; each holds a connection and queries when woken. */
  HTTP_MAX_STREAMS: z.coerce.number().int().min(1).max(100_000).default(1000),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  KAFKA_BROKERS: brokerListSchema,
  KAFKA_TOPIC: z.string().min(1).default('user-events'),
  KAFKA_DEAD_LETTER_TOPIC: z.string().min(1).optional(),
  /**
   * The most bytes one dead letter may take; a larger poison record is cut to fit, with a header
   * saying so. Below the broker's default message.max.bytes (1 MB), with room for the dlq.* headers.
   */
  KAFKA_DEAD_LETTER_MAX_BYTES: z.coerce.number().int().min(16_384).max(100_000_000).default(900_000),
  KAFKA_GROUP_ID: z.string().min(1).default('service-b'),
  /**
   * How long the group waits for a silent member (a crashed instance) before its partitions move:
   * Kafka's 45 s default stalls a killed instance's partitions that long; 10 s with 3 s heartbeats.
   */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).max(300_000).default(10_000),
  /** Events of one partition handed to one eachBatch call (one batch). */
  KAFKA_MAX_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  /**
   * Partitions whose batches are handled at the same time; the batches ready together are applied
   * in one database transaction and their offsets committed in one request. 1: one at a time.
   */
  KAFKA_PARTITIONS_AT_ONCE: z.coerce.number().int().min(1).max(256).default(16),
  SCHEMA_REGISTRY_URL: z.url(),
  /** Where spans go (OTLP over HTTP, e.g. http://127.0.0.1:4318/v1/traces); unset: none are recorded. */
  TRACING_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * Share of events without a traceparent header whose processing starts a new trace (0 to 1); an
   * event with one is traced as its header says (service-a writes one on every row).
   */
  TRACING_SAMPLE_RATIO: z.coerce.number().min(0).max(1).default(1),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});

export type Config = Readonly<z.infer<typeof configSchema> & { KAFKA_DEAD_LETTER_TOPIC: string }>;

/** Parses the environment once at start; a bad value stops the process with every problem named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid configuration:\n${z.prettifyError(parsed.error)}`);
  }
  const data = parsed.data;
  return Object.freeze({ ...data, KAFKA_DEAD_LETTER_TOPIC: data.KAFKA_DEAD_LETTER_TOPIC ?? `${data.KAFKA_TOPIC}.dlq` });
}
