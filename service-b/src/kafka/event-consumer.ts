import { setTimeout as sleep } from 'node:timers/promises';
import type { SumCalculated } from '@calculator/proto';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { type CalculationStore, type DeliveredEvent, SEQ_PER_TRANSACTION } from '../db/calculation-store.js';
import { pgErrorKind } from '../db/pg-error-kind.js';
import { PoisonEventError } from '../errors.js';
import type { EventDecoder } from '../events/event-decoder.js';
import type { Metrics } from '../observability/metrics.js';
import type { DeadLetter, DeadLetterPublisher } from './dead-letter-publisher.js';
import { type EventSpans, startEventSpans } from './event-spans.js';
import { createRunTogether } from './run-together.js';

/** What the consumer is stuck on while it retries a step in place; /readyz names it. */
export type StallCause =
  | 'registry-unreachable'
  | 'database-unreachable'
  | 'database-refusing'
  | 'database-failing'
  | 'dead-letters-failing'
  | 'offset-commit-failing';

const STALL_REASONS: Readonly<Record<StallCause, string>> = {
  'registry-unreachable': 'the schema registry is unreachable; the consumer is retrying with backoff',
  'database-unreachable': 'the database is unreachable; the consumer is retrying with backoff',
  'database-refusing': 'the database refuses writes; the consumer is retrying with backoff',
  'database-failing': 'applying events to the database fails; the consumer is retrying with backoff',
  'dead-letters-failing': 'dead letters cannot be published; the consumer is retrying with backoff',
  'offset-commit-failing': 'Kafka does not accept the offset commit; the consumer is retrying with backoff',
};

export interface EventConsumerDeps {
  consumer: Pick<KafkaJS.Consumer, 'connect' | 'subscribe' | 'run' | 'commitOffsets' | 'disconnect'>;
  topic: string;
  decoder: Pick<EventDecoder, 'loadSchemas' | 'decode'>;
  store: Pick<CalculationStore, 'applyBatch'>;
  deadLetters: DeadLetterPublisher;
  metrics: Pick<Metrics, 'eventsProcessed' | 'batchApplyDuration' | 'endToEndLag'>;
  logger: Logger;
  /** Opens a span per record, under the traceparent it carries. */
  tracer: Tracer;
  /**
   * Partitions whose batches are handled at the same time (the client's
   * partitionsConsumedConcurrently); the batches ready together are applied in one transaction.
   */
  partitionsAtOnce: number;
  /** The pause before retry `attempt` (1, 2, …); capped exponential unless a test needs otherwise. */
  backoffMs?: (attempt: number) => number;
}

export interface EventConsumer {
  start(): Promise<void>;
  close(): Promise<void>;
  /** Why the consumer is retrying in place instead of making progress; undefined while it makes progress. */
  stallReason(): string | undefined;
}

type BatchPayload = Pick<KafkaJS.EachBatchPayload, 'batch' | 'isRunning' | 'isStale'>;

interface Step<T> {
  what: string;
  run: () => Promise<T>;
  causeOf: (error: unknown) => StallCause;
  mustLeave: () => boolean;
  /** Gives up, rethrowing the last error, after this many attempts; retries until done without it. */
  maxAttempts?: number;
  context?: Record<string, unknown>;
}

type ApplyOutcome = { applied: SumCalculated[] } | { refusal: unknown };

/** One batch's part of a shared transaction: as for a batch alone, or the error that stopped it. */
type SharedApplyOutcome = ApplyOutcome | { failure: unknown };

interface BisectOutcome {
  applied: SumCalculated[];
  rejected: { delivery: DeliveredEvent; error: PoisonEventError }[];
}

const defaultBackoffMs = (attempt: number) => Math.min(5000, 100 * 2 ** attempt);

/** Splits the events a shared transaction applied among the batches it took; a duplicate counts once. */
function appliedPerBatch(batches: readonly DeliveredEvent[][], applied: SumCalculated[]): SumCalculated[][] {
  const appliedIds = new Set(applied.map((event) => event.eventId));
  return batches.map((batch) =>
    batch.filter((delivery) => appliedIds.delete(delivery.event.eventId)).map((delivery) => delivery.event),
  );
}

// A failed commit loses nothing: the next commit of the partition covers it, and whatever is
// redelivered meanwhile is deduplicated. Retrying it for long would only hold up the partition.
const MAX_COMMIT_ATTEMPTS = 5;

function databaseStall(error: unknown): StallCause {
  const kind = pgErrorKind(error);
  if (kind === 'unreachable') return 'database-unreachable';
  if (kind === 'refused') return 'database-refusing';
  return 'database-failing';
}

function rejectedByDatabase(error: unknown): PoisonEventError {
  const { message, detail, code } = error as { message?: unknown; detail?: unknown; code?: unknown };
  const details = typeof detail === 'string' && detail !== '' ? `: ${detail}` : '';
  const sqlState = typeof code === 'string' ? ` (SQLSTATE ${code})` : '';
  return new PoisonEventError('rejected-by-database', `${String(message)}${details}${sqlState}`, { cause: error });
}

function deadLetter(message: KafkaJS.KafkaMessage, partition: number, error: PoisonEventError): DeadLetter {
  return {
    error,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: message.headers ?? {},
  };
}

/**
 * Reads user-events batch by batch. Per batch: decode (poison goes to the dead-letter topic), apply
 * every good event in one database transaction, and only then commit the Kafka offset. A crash
 * anywhere before the commit redelivers the batch, and the dedupe makes that harmless.
 *
 * A batch the database refuses for its data is split in halves until the records at fault are
 * alone; those are dead-lettered, the rest applied, so one bad record never holds up its partition.
 * A step that fails for a reason outside the records (registry, database, broker down) is retried
 * in place with backoff, never by leaving the handler: the client would hand the batch straight back.
 */
export function createEventConsumer(deps: EventConsumerDeps): EventConsumer {
  const { consumer, topic, decoder, store, deadLetters, metrics, logger, tracer, partitionsAtOnce } = deps;
  const { backoffMs = defaultBackoffMs } = deps;
  const closing = new AbortController();
  let stalled: StallCause | undefined;
  let unexpectedFailures = 0;

  const pause = (delayMs: number) => sleep(delayMs, undefined, { signal: closing.signal }).catch(() => {});

  async function retry<T>(step: Step<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const value = await step.run();
        stalled = undefined;
        return value;
      } catch (error) {
        // Leaving eachBatch with an error makes the client seek back and redeliver, which is what
        // stopping, or a partition that moved to another instance, wants.
        if (step.mustLeave() || attempt >= (step.maxAttempts ?? Number.POSITIVE_INFINITY)) throw error;
        stalled = step.causeOf(error);
        const delayMs = backoffMs(attempt);
        logger.warn({ err: error, attempt, delayMs, ...step.context }, `could not ${step.what}; retrying`);
        await pause(delayMs);
        if (step.mustLeave()) throw error;
      }
    }
  }

  async function applyInOneTransaction(batches: DeliveredEvent[][]): Promise<SharedApplyOutcome[]> {
    const stopTimer = metrics.batchApplyDuration.startTimer();
    try {
      const applied = await store.applyBatch(batches.flat());
      stopTimer();
      return appliedPerBatch(batches, applied).map((events) => ({ applied: events }));
    } catch (error) {
      if (pgErrorKind(error) !== 'record') return batches.map(() => ({ failure: error }));
      if (batches.length === 1) return [{ refusal: error }];
      // One partition's bad record must not hold up the others: each batch again, on its own.
      const outcomes: SharedApplyOutcome[] = [];
      for (const batch of batches) outcomes.push(...(await applyInOneTransaction([batch])));
      return outcomes;
    }
  }

  // The batches of the partitions handled at the same time, applied together while none is in flight.
  const sharedApply = createRunTogether({
    runAll: applyInOneTransaction,
    weigh: (deliveries) => deliveries.length,
    maxWeightPerRun: SEQ_PER_TRANSACTION,
  });

  function applyOnce(deliveries: DeliveredEvent[], mustLeave: () => boolean): Promise<ApplyOutcome> {
    return retry<ApplyOutcome>({
      what: 'apply a batch',
      run: async () => {
        const outcome = await sharedApply.run(deliveries);
        if ('failure' in outcome) throw outcome.failure;
        return outcome;
      },
      causeOf: databaseStall,
      mustLeave,
      context: { events: deliveries.length },
    });
  }

  // Each half is its own committed transaction, applied in offset order; the dedupe makes a crash
  // halfway harmless, since the offset is committed only after all of them.
  async function applyBisecting(
    deliveries: DeliveredEvent[],
    mustLeave: () => boolean,
    whole = true,
  ): Promise<BisectOutcome> {
    if (deliveries.length === 0) return { applied: [], rejected: [] };
    const outcome = await applyOnce(deliveries, mustLeave);
    if ('applied' in outcome) return { applied: outcome.applied, rejected: [] };
    const [first] = deliveries;
    if (deliveries.length === 1 && first) {
      return { applied: [], rejected: [{ delivery: first, error: rejectedByDatabase(outcome.refusal) }] };
    }
    logger[whole ? 'warn' : 'debug'](
      { err: outcome.refusal, events: deliveries.length, firstOffset: first?.offset },
      'the database refused a batch for its data; applying it in halves to find the records at fault',
    );
    const middle = Math.ceil(deliveries.length / 2);
    const head = await applyBisecting(deliveries.slice(0, middle), mustLeave, false);
    const tail = await applyBisecting(deliveries.slice(middle), mustLeave, false);
    return { applied: [...head.applied, ...tail.applied], rejected: [...head.rejected, ...tail.rejected] };
  }

  // The offsets of the partitions handled at the same time, committed in one request.
  const sharedCommit = createRunTogether<KafkaJS.TopicPartitionOffset, void>({
    runAll: async (offsets) => {
      await consumer.commitOffsets(offsets);
      return offsets.map(() => undefined);
    },
  });

  async function commit(partition: number, offset: string, mustLeave: () => boolean): Promise<void> {
    try {
      await retry({
        what: 'commit the offset',
        run: () => sharedCommit.run({ topic, partition, offset }),
        causeOf: () => 'offset-commit-failing',
        mustLeave,
        maxAttempts: MAX_COMMIT_ATTEMPTS,
        context: { partition, offset },
      });
    } catch (error) {
      if (mustLeave()) throw error;
      stalled = undefined;
      logger.error(
        { err: error, partition, offset },
        'the offset was not committed; the next commit covers it, and what is redelivered meanwhile is deduplicated',
      );
    }
  }

  async function processBatch({ batch }: BatchPayload, mustLeave: () => boolean, spans: EventSpans): Promise<void> {
    const { partition, messages } = batch;
    await retry({
      what: 'load the schemas from the registry',
      run: () => decoder.loadSchemas(messages.map((message) => message.value)),
      causeOf: () => 'registry-unreachable',
      mustLeave,
      context: { partition },
    });

    const deliveries: DeliveredEvent[] = [];
    const letters: DeadLetter[] = [];
    const byOffset = new Map<string, KafkaJS.KafkaMessage>();
    for (const message of messages) {
      try {
        deliveries.push({ event: decoder.decode(message.value), partition, offset: message.offset });
        byOffset.set(message.offset, message);
      } catch (error) {
        if (!(error instanceof PoisonEventError)) throw error;
        letters.push(deadLetter(message, partition, error));
      }
    }

    const { applied, rejected } = await applyBisecting(deliveries, mustLeave);
    for (const { delivery, error } of rejected) {
      const message = byOffset.get(delivery.offset);
      if (message) letters.push(deadLetter(message, partition, error));
    }
    letters.sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
    for (const letter of letters) {
      logger.warn({ partition, offset: letter.offset, reason: letter.error.reason }, letter.error.message);
    }
    // Recorded before the offset moves past them: a poison record is dead-lettered at least once.
    await retry({
      what: 'publish dead letters',
      run: () => deadLetters.publish(topic, letters),
      causeOf: () => 'dead-letters-failing',
      mustLeave,
      context: { partition, letters: letters.length },
    });

    // Offsets only after the database commit: the next offset to read is the last one + 1.
    await commit(partition, (BigInt(batch.lastOffset()) + 1n).toString(), mustLeave);

    const now = Date.now();
    for (const event of applied) metrics.endToEndLag.observe((now - event.createdAt) / 1000);
    // Letters first: a record the database refused is among the deliveries too.
    for (const letter of letters) spans.end(letter.offset, 'dead_lettered');
    // An event is applied once: a second copy of it in the same batch is a duplicate.
    const appliedIds = new Set(applied.map((event) => event.eventId));
    for (const { event, offset } of deliveries)
      spans.end(offset, appliedIds.delete(event.eventId) ? 'applied' : 'duplicate');
    metrics.eventsProcessed.inc({ outcome: 'applied' }, applied.length);
    metrics.eventsProcessed.inc({ outcome: 'duplicate' }, deliveries.length - applied.length - rejected.length);
    metrics.eventsProcessed.inc({ outcome: 'dead_lettered' }, letters.length);
    logger.debug({ partition, applied: applied.length, received: messages.length }, 'batch done');
  }

  async function handleBatch(payload: BatchPayload): Promise<void> {
    // The client's isRunning() stays true while it disconnects, and its disconnect waits for this
    // handler: closing must end the retries itself.
    const mustLeave = () => closing.signal.aborted || !payload.isRunning() || payload.isStale();
    const spans = startEventSpans(tracer, topic, payload.batch.partition, payload.batch.messages);
    try {
      await processBatch(payload, mustLeave, spans);
      unexpectedFailures = 0;
    } catch (error) {
      spans.fail(error);
      if (mustLeave()) throw error;
      // Not one of the failures retried in place (a bug, most likely): pause before the client
      // redelivers the batch, so that it cannot spin.
      unexpectedFailures++;
      const delayMs = backoffMs(unexpectedFailures);
      logger.error(
        { err: error, partition: payload.batch.partition, delayMs },
        'handling a batch failed unexpectedly; it is redelivered after a pause',
      );
      await pause(delayMs);
      throw error;
    }
  }

  return {
    async start() {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic] });
      await consumer.run({ eachBatch: handleBatch, partitionsConsumedConcurrently: partitionsAtOnce });
    },
    async close() {
      // Cuts a backoff short; stops fetching, lets the running batch finish (it commits its offset
      // unless it was retrying), then leaves the group.
      closing.abort();
      await consumer.disconnect();
      logger.info('left the consumer group');
    },
    stallReason: () => (stalled === undefined ? undefined : STALL_REASONS[stalled]),
  };
}
