import { randomUUID } from 'node:crypto';
import { KafkaJS } from '@confluentinc/kafka-javascript';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { pino } from 'pino';
import { UsageError } from '../errors.js';
import { createEventDecoder } from '../events/event-decoder.js';
import { kafkaLogger } from '../kafka/kafka-logger.js';
import { createLogger } from '../observability/logger.js';
import { loadCliConfig } from './cli-config.js';
import { type DecodedValue, formatRecord } from './format-record.js';
import { INSPECT_USAGE, parseInspectArgs } from './inspect-args.js';
import { inspectRanges } from './partition-ranges.js';
import { readPartitions } from './read-partitions.js';
import { runCommand } from './run-command.js';

// `inspect-topic`: prints a topic's records as JSON lines (`--help` says how); the composition root.
const config = loadCliConfig();
const logger = createLogger(config.LOG_LEVEL, pino.destination({ dest: 2, sync: true })).child({
  component: 'inspect-topic',
});

await runCommand(INSPECT_USAGE, logger, async ({ signal, writeLine }) => {
  const options = parseInspectArgs(process.argv.slice(2), config.KAFKA_TOPIC);
  if (options === 'help') return writeLine(INSPECT_USAGE);

  const kafka = new KafkaJS.Kafka({
    kafkaJS: {
      brokers: config.KAFKA_BROKERS,
      clientId: 'service-b-inspect-topic',
      // The client's info lines (joins, assignments) would drown the records an operator asked for.
      logger: kafkaLogger(logger.child({ component: 'kafka' }, { level: 'warn' })),
    },
  });
  const decoder = createEventDecoder(new SchemaRegistry({ host: config.SCHEMA_REGISTRY_URL }));
  const decodeForDisplay = (value: Buffer | null): DecodedValue => {
    try {
      return { value: decoder.decodeUnchecked(value) };
    } catch (error) {
      return { error };
    }
  };
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(options.topic).catch((error: unknown) => {
      if ((error as { code?: unknown }).code === KafkaJS.ErrorCodes.ERR_UNKNOWN_TOPIC_OR_PART) {
        throw new UsageError(`there is no topic ${options.topic}`);
      }
      throw error;
    });
    const ranges = inspectRanges(offsets, options);
    // Joined only to be handed the partitions; nothing is committed, and the group is deleted after.
    const groupId = `inspect-topic-${randomUUID()}`;
    const outcome = await readPartitions({
      kafka,
      topic: options.topic,
      groupId,
      ranges,
      signal,
      logger,
      onBatch: async ({ partition, messages }) => {
        // A registry that cannot answer shows as every record's error, as a value that does not decode would.
        const unloaded = await decoder.loadSchemas(messages.map((message) => message.value)).then(
          () => undefined,
          (error: unknown) => ({ error }),
        );
        for (const message of messages) {
          await writeLine(formatRecord(options.topic, partition, message, unloaded ?? decodeForDisplay(message.value)));
        }
      },
    }).finally(() =>
      admin.deleteGroups([groupId]).catch((error: unknown) => {
        logger.debug({ err: error, groupId }, 'the throw-away group was not deleted (or never created)');
      }),
    );
    if (outcome.unfinished.length > 0 && !options.follow) {
      logger.info({ partitions: outcome.unfinished }, 'stopped before the end of these partitions');
    }
  } finally {
    await admin.disconnect();
  }
});
