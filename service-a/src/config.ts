import { z } from 'zod';

const configSchema = z.object({
  INSTANCE_ID: z.string().min(1).default('service-a'),
  GRPC_HOST: z.string().min(1).default('127.0.0.1'),
  GRPC_PORT: z.coerce.number().int().min(1).max(65535).default(50061),
  HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(9461),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** How long a call may wait for a database connection before it is answered UNAVAILABLE. */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(2000),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  /** Group commit: events waiting beyond this are refused with RESOURCE_EXHAUSTED. */
  OUTBOX_MAX_QUEUED_ROWS: z.coerce.number().int().min(1).default(20_000),
  OUTBOX_MAX_BATCH_ROWS: z.coerce.number().int().min(1).max(10_000).default(1000),
  /** Group commits in flight at once; each holds one pool connection. */
  OUTBOX_MAX_IN_FLIGHT: z.coerce.number().int().min(1).default(3),
  /** Least time between the starts of two group commits, in ms: under load, calls gather for up to this long. */
  OUTBOX_MIN_BATCH_INTERVAL_MS: z.coerce.number().min(0).max(100).default(0),
  /** How long a retry with the same request_id returns the first answer (the idempotency window). */
  IDEMPOTENCY_WINDOW_SECONDS: z.coerce.number().int().min(60).default(86_400),
  /** Largest gRPC message or HTTP body accepted, in bytes. */
  MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  /** The logical replication slot Debezium streams the outbox through (stack/defaults.env). */
  REPLICATION_SLOT: z.string().min(1).default('outbox_slot'),
  /**
   * Writes are refused while the slot retains more WAL than this, in bytes. Keep it well below
   * Postgres' max_slot_wal_keep_size (4 GB in this stack), past which the slot is invalidated and
   * every event it has not streamed is lost; the default (2 GiB) is half of that.
   */
  REPLICATION_SLOT_WAL_BUDGET_BYTES: z.coerce.number().int().min(16_777_216).default(2_147_483_648),
  SCHEMA_REGISTRY_URL: z.url(),
  USER_EVENTS_TOPIC: z.string().min(1).default('user-events'),
  /** Where spans go (OTLP over HTTP, e.g. http://127.0.0.1:4318/v1/traces); unset: none are recorded. */
  TRACING_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** Share of calls without a caller's traceparent that are traced (0 to 1); a caller's choice is followed. */
  TRACING_SAMPLE_RATIO: z.coerce.number().min(0).max(1).default(1),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});

export type Config = Readonly<z.infer<typeof configSchema>>;

/** Parses the environment once at start; a bad value stops the process with every problem named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid configuration:\n${z.prettifyError(parsed.error)}`);
  }
  return Object.freeze(parsed.data);
}
