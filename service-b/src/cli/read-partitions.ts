import { KafkaJS } from '@confluentinc/kafka-javascript';
import type { Logger } from 'pino';
import type { PartitionRange } from './partition-ranges.js';
import { trackRanges } from './range-tracker.js';

export interface PartitionBatch {
  partition: number;
  /** The batch's records inside the partition's range, in offset order. */
  messages: KafkaJS.KafkaMessage[];
  /** Commits `offset` (the next one to read) for this partition in the reader's consumer group. */
  commit(offset: string): Promise<void>;
}

export interface ReadPartitionsOptions {
  kafka: KafkaJS.Kafka;
  topic: string;
  /** A throw-away id to only read; the id whose committed offsets `commit` moves otherwise. */
  groupId: string;
  ranges: readonly PartitionRange[];
  /** Handles one batch; an error stops the reading and is thrown by readPartitions. */
  onBatch(batch: PartitionBatch): Promise<void>;
  /** Aborting stops the reading after the batch in hand. */
  signal: AbortSignal;
  logger: Logger;
  /**
   * When no range follows: stop after this long without a record, even short of an end offset, because a
   * transaction marker or a compacted-away record can sit on the offset just before it and never arrive.
   */
  idleTimeoutMs?: number;
}

export interface ReadOutcome {
  /** Partitions stopped short of their end: by the signal, or after the idle timeout. */
  unfinished: number[];
}

/**
 * Reads each partition over its range and calls `onBatch` per batch. The consumer joins `groupId` only
 * to be given the partitions; its rebalance callback then assigns exactly the planned partitions at the
 * planned (or since reached) offsets, whatever the group had committed, and nothing is committed but
 * what `commit` is asked to. Resolves once every range reached its end or the signal aborted.
 */
export async function readPartitions(options: ReadPartitionsOptions): Promise<ReadOutcome> {
  const { kafka, topic, groupId, ranges, onBatch, signal, logger, idleTimeoutMs = 10_000 } = options;
  const tracker = trackRanges(ranges);
  const unfinished = () => tracker.pending().map((p) => p.partition);
  if (tracker.isDone() || signal.aborted) return { unfinished: unfinished() };

  const consumer = kafka.consumer({
    kafkaJS: { groupId, autoCommit: false, fromBeginning: true },
    rebalance_cb: (error: KafkaJS.LibrdKafkaError, assignment: KafkaJS.TopicPartition[]) => {
      if (error.code !== KafkaJS.ErrorCodes.ERR__ASSIGN_PARTITIONS) return undefined;
      const given = new Set(assignment.filter((tp) => tp.topic === topic).map((tp) => tp.partition));
      return tracker
        .pending()
        .filter((p) => given.has(p.partition))
        .map((p) => ({ topic, partition: p.partition, offset: Number(p.offset) }));
    },
  });

  let stopped = false;
  let idleTimer: NodeJS.Timeout | undefined;
  let finish = () => {};
  let fail: (error: unknown) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const stop = () => {
    stopped = true;
    finish();
  };
  const follows = ranges.some((range) => range.end === undefined);
  const armIdleTimer = () => {
    if (follows || stopped) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      logger.warn(
        { topic, partitions: unfinished(), idleTimeoutMs },
        'no record for a while; stopping short of the end',
      );
      stop();
    }, idleTimeoutMs);
  };
  const failWith = (error: unknown) => {
    stopped = true;
    fail(error);
  };
  signal.addEventListener('abort', stop, { once: true });

  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic] });
    armIdleTimer();
    consumer
      .run({
        eachBatch: async ({ batch }) => {
          if (stopped) return;
          try {
            const messages = tracker.slice(batch.partition, batch.messages);
            if (messages.length > 0) {
              await onBatch({
                partition: batch.partition,
                messages,
                commit: (offset) => consumer.commitOffsets([{ topic, partition: batch.partition, offset }]),
              });
            }
          } catch (error) {
            // Thrown on, the client would seek back and hand the batch over again, forever: stop instead.
            failWith(error);
            return;
          }
          tracker.markRead(batch.partition, batch.messages);
          armIdleTimer();
          if (tracker.isDone()) stop();
        },
      })
      .catch(failWith);
    await finished;
  } finally {
    stopped = true;
    clearTimeout(idleTimer);
    signal.removeEventListener('abort', stop);
    await consumer.disconnect();
  }
  return { unfinished: unfinished() };
}
