import { z } from 'zod';
import { brokerListSchema } from '../config.js';

// The fallbacks are stack/defaults.env's addresses: against the native stack the commands need no setting.
const cliConfigSchema = z.object({
  KAFKA_BROKERS: brokerListSchema.default(['127.0.0.1:9092']),
  SCHEMA_REGISTRY_URL: z.url().default('http://127.0.0.1:8081/apis/ccompat/v7'),
  KAFKA_TOPIC: z.string().min(1).default('user-events'),
  KAFKA_DEAD_LETTER_TOPIC: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});

export type CliConfig = Readonly<z.infer<typeof cliConfigSchema> & { KAFKA_DEAD_LETTER_TOPIC: string }>;

/** The operator commands' configuration, parsed once at start like service-b's own (`config.ts`). */
export function loadCliConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const parsed = cliConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid configuration:\n${z.prettifyError(parsed.error)}`);
  }
  const data = parsed.data;
  return Object.freeze({ ...data, KAFKA_DEAD_LETTER_TOPIC: data.KAFKA_DEAD_LETTER_TOPIC ?? `${data.KAFKA_TOPIC}.dlq` });
}
