import { randomUUID } from 'node:crypto';
import { KafkaJS } from '@confluentinc/kafka-javascript';
import { pino } from 'pino';
import { kafkaLogger } from '../kafka/kafka-logger.js';
import { createLogger } from '../observability/logger.js';
import { loadCliConfig } from './cli-config.js';
import { replayRanges } from './partition-ranges.js';
import { committableOffset, formatReplayLine, planReplay, type ReplayRecord } from './plan-replay.js';
import { readPartitions } from './read-partitions.js';
import { parseReplayArgs, REPLAY_USAGE, REPLAYER_GROUP_ID } from './replay-args.js';
import { runCommand } from './run-command.js';

// `replay-dead-letters`: re-publishes dead letters to their source topic (`--help` says how); the composition root.
const config = loadCliConfig();
const logger = createLogger(config.LOG_LEVEL, pino.destination({ dest: 2, sync: true })).child({
  component: 'replay-dead-letters',
});

await runCommand(REPLAY_USAGE, logger, async ({ signal, writeLine }) => {
  const options = parseReplayArgs(process.argv.slice(2));
  if (options === 'help') return writeLine(REPLAY_USAGE);
  const topic = config.KAFKA_DEAD_LETTER_TOPIC;

  const kafka = new KafkaJS.Kafka({
    kafkaJS: {
      brokers: config.KAFKA_BROKERS,
      clientId: 'service-b-replay-dead-letters',
      logger: kafkaLogger(logger.child({ component: 'kafka' }, { level: 'warn' })),
    },
  });
  const admin = kafka.admin();
  // Passing kafkaJS options also selects the murmur2_random partitioner, Java's: a replayed key lands on
  // the partition Debezium would choose for it, next to that user's other events.
  const producer = options.dryRun ? undefined : kafka.producer({ kafkaJS: { idempotent: true, acks: -1 } });
  await admin.connect();
  await producer?.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const committed = await admin.fetchOffsets({ groupId: REPLAYER_GROUP_ID, topics: [topic] });
    const ranges = replayRanges(offsets, committed.find((t) => t.topic === topic)?.partitions ?? []);
    // A dry run starts where a real run would, but reads in a throw-away group so it neither commits
    // nor takes partitions away from a replay running at the same time.
    const groupId = options.dryRun ? `dlq-replayer-dry-run-${randomUUID()}` : REPLAYER_GROUP_ID;
    const counts = { replayed: 0, skipped: 0 };
    const blocked = new Set<number>();

    const outcome = await readPartitions({
      kafka,
      topic,
      groupId,
      ranges,
      signal,
      logger,
      onBatch: async ({ partition, messages, commit }) => {
        const decisions = messages.map((message) =>
          planReplay(message, { reasons: options.reasons, deadLetterTopic: topic }),
        );
        const records = decisions.flatMap((d) => (d.action === 'replay' ? [d.record] : []));
        if (producer && records.length > 0) {
          // Resolves once the broker acknowledged every record (acks=all), so the commit below never
          // runs ahead of what was actually re-published.
          await producer.sendBatch({ topicMessages: groupByTopic(records) });
        }
        for (const [i, message] of messages.entries()) {
          const decision = decisions[i];
          if (decision) await writeLine(formatReplayLine(topic, partition, message, decision, options.dryRun));
        }
        counts.replayed += records.length;
        counts.skipped += messages.length - records.length;
        if (!producer || blocked.has(partition)) return;
        const next = committableOffset(messages, decisions);
        if (next.offset !== undefined) await commit(next.offset);
        if (next.blocked) blocked.add(partition);
      },
    }).finally(() => {
      if (options.dryRun) return admin.deleteGroups([groupId]).catch(() => {});
    });

    const done = options.dryRun ? { wouldReplay: counts.replayed, skipped: counts.skipped } : counts;
    logger.info(
      { topic, dryRun: options.dryRun, ...done, unfinishedPartitions: outcome.unfinished },
      options.dryRun ? 'dry run done: nothing produced, nothing committed' : 'replay done',
    );
  } finally {
    await producer?.disconnect();
    await admin.disconnect();
  }
});

function groupByTopic(records: readonly ReplayRecord[]): { topic: string; messages: ReplayRecord['message'][] }[] {
  const byTopic = new Map<string, ReplayRecord['message'][]>();
  for (const record of records) {
    const messages = byTopic.get(record.topic) ?? [];
    messages.push(record.message);
    byTopic.set(record.topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
