import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { firstHeaderText } from './format-record.js';

const DEAD_LETTER_HEADER_PREFIX = 'dlq.';

type DeadLetterMessage = Pick<KafkaJS.KafkaMessage, 'offset' | 'key' | 'value' | 'headers'>;

/** The original headers of a dead letter: every `dlq.*` header the dead-letter publisher added removed. */
export function stripDeadLetterHeaders(headers: KafkaJS.IHeaders | undefined): KafkaJS.IHeaders {
  return Object.fromEntries(
    Object.entries(headers ?? {}).filter(([name]) => !name.startsWith(DEAD_LETTER_HEADER_PREFIX)),
  );
}

/** The record to produce again: the source topic, and key, value bytes and original headers as they were. */
export interface ReplayRecord {
  topic: string;
  message: { key: Buffer | null; value: Buffer | null; headers: KafkaJS.IHeaders };
}

/**
 * `final`: the letter can never be replayed (its value was cut to fit the dead-letter topic), so a
 * later run gains nothing by finding it again and the group's offset may move past it.
 */
export type ReplayDecision =
  | { action: 'replay'; record: ReplayRecord }
  | { action: 'skip'; why: string; final?: boolean };

export interface ReplayFilter {
  /** Replay only these `dlq.reason`s; undefined replays every reason. */
  reasons: readonly string[] | undefined;
  /** Never a target: replaying into the dead-letter topic itself would only copy the letter. */
  deadLetterTopic: string;
}

/** Whether and where one dead letter is replayed. */
export function planReplay(message: DeadLetterMessage, filter: ReplayFilter): ReplayDecision {
  const reason = firstHeaderText(message.headers, 'dlq.reason');
  const sourceTopic = firstHeaderText(message.headers, 'dlq.source.topic');
  if (filter.reasons && !(reason !== undefined && filter.reasons.includes(reason))) {
    return { action: 'skip', why: `dlq.reason ${reason ?? '(none)'} is not one of ${filter.reasons.join(', ')}` };
  }
  if (!sourceTopic) return { action: 'skip', why: 'no dlq.source.topic header' };
  const truncated = firstHeaderText(message.headers, 'dlq.truncated');
  if (truncated !== undefined) {
    return {
      action: 'skip',
      why: `the value was cut to fit the dead-letter topic (from ${truncated} bytes)`,
      final: true,
    };
  }
  if (sourceTopic === filter.deadLetterTopic) {
    return { action: 'skip', why: 'dlq.source.topic is the dead-letter topic itself' };
  }
  return {
    action: 'replay',
    record: {
      topic: sourceTopic,
      message: { key: message.key, value: message.value, headers: stripDeadLetterHeaders(message.headers) },
    },
  };
}

/** One dead letter as the JSON line `replay-dead-letters` prints: what it was, where it goes, what was done. */
export function formatReplayLine(
  topic: string,
  partition: number,
  message: DeadLetterMessage,
  decision: ReplayDecision,
  dryRun: boolean,
): string {
  const header = (name: string) => firstHeaderText(message.headers, name) ?? null;
  return JSON.stringify({
    action: decision.action === 'skip' ? 'skipped' : dryRun ? 'would-replay' : 'replayed',
    ...(decision.action === 'skip' ? { why: decision.why } : { to: decision.record.topic }),
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    id: header('id'),
    reason: header('dlq.reason'),
    error: header('dlq.error'),
    source: {
      topic: header('dlq.source.topic'),
      partition: header('dlq.source.partition'),
      offset: header('dlq.source.offset'),
    },
  });
}

/**
 * The offset the replayer's group may commit after handling a batch: past every dead letter up to the
 * first skipped one, so a skipped letter stays before the committed offset for a later run (one that
 * can never be replayed does not hold the offset back). `blocked`
 * says a letter was skipped: the partition's offset must not move again in this run.
 */
export function committableOffset(
  messages: readonly { offset: string }[],
  decisions: readonly ReplayDecision[],
): { offset: string | undefined; blocked: boolean } {
  const firstSkipped = decisions.findIndex((decision) => decision.action === 'skip' && !decision.final);
  const handled = firstSkipped === -1 ? messages : messages.slice(0, firstSkipped);
  const last = handled.at(-1);
  return { offset: last && (BigInt(last.offset) + 1n).toString(), blocked: firstSkipped !== -1 };
}
