import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { Logger } from 'pino';
import type { CalculationStore, DeliveredEvent } from '../db/calculation-store.js';
import { PoisonEventError } from '../errors.js';
import type { EventDecoder } from '../events/event-decoder.js';
import type { Metrics } from '../observability/metrics.js';
import type { DeadLetter, DeadLetterPublisher } from './dead-letter-publisher.js';

export interface EventConsumerDeps {
  consumer: KafkaJS.Consumer;
  topic: string;
  decoder: EventDecoder;
  store: CalculationStore;
  deadLetters: DeadLetterPublisher;
  metrics: Metrics;
  logger: Logger;
  /** Called with false while the database refuses batches, and true once one is applied. */
  onDatabaseHealth: (healthy: boolean) => void;
}

export interface EventConsumer {
  start(): Promise<void>;
  close(): Promise<void>;
}

const MAX_BACKOFF_MS = 5000;

/**
 * Reads user-events batch by batch. Per batch: decode (poison goes to the dead-letter topic),
 * apply every good event in one database transaction, and only then commit the Kafka offset.
 * A crash anywhere before the commit redelivers the batch, and the dedupe makes that harmless.
 */
export function createEventConsumer(deps: EventConsumerDeps): EventConsumer {
  const { consumer, topic, decoder, store, deadLetters, metrics, logger } = deps;

  async function applyWithRetry(deliveries: DeliveredEvent[], isRunning: () => boolean) {
    for (let attempt = 1; ; attempt++) {
      const stopTimer = metrics.batchApplyDuration.startTimer();
      try {
        const applied = await store.applyBatch(deliveries);
        stopTimer();
        deps.onDatabaseHealth(true);
        return applied;
      } catch (error) {
        deps.onDatabaseHealth(false);
        // Leaving eachBatch with an error makes the client seek back and redeliver; stopping does too.
        if (!isRunning()) throw error;
        const delayMs = Math.min(MAX_BACKOFF_MS, 100 * 2 ** attempt);
        logger.warn({ err: error, attempt, delayMs, events: deliveries.length }, 'applying a batch failed; retrying');
        await sleep(delayMs);
      }
    }
  }

  async function handleBatch({ batch, isRunning }: KafkaJS.EachBatchPayload) {
    const deliveries: DeliveredEvent[] = [];
    const poison: DeadLetter[] = [];
    for (const message of batch.messages) {
      try {
        const event = await decoder.decode(message.value);
        deliveries.push({ event, partition: batch.partition, offset: message.offset });
      } catch (error) {
        if (!(error instanceof PoisonEventError)) throw error;
        logger.warn({ partition: batch.partition, offset: message.offset, reason: error.reason }, error.message);
        poison.push({
          error,
          partition: batch.partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers: message.headers ?? {},
        });
      }
    }
    await deadLetters.publish(topic, poison);
    const applied = await applyWithRetry(deliveries, isRunning);

    // Offsets only after the database commit: the next offset to read is the last one + 1.
    await consumer.commitOffsets([
      { topic, partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() },
    ]);

    const now = Date.now();
    for (const event of applied) metrics.endToEndLag.observe((now - event.createdAt) / 1000);
    metrics.eventsProcessed.inc({ outcome: 'applied' }, applied.length);
    metrics.eventsProcessed.inc({ outcome: 'duplicate' }, deliveries.length - applied.length);
    metrics.eventsProcessed.inc({ outcome: 'dead_lettered' }, poison.length);
    logger.debug(
      { partition: batch.partition, applied: applied.length, received: batch.messages.length },
      'batch done',
    );
  }

  return {
    async start() {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic] });
      await consumer.run({ eachBatch: handleBatch });
    },
    async close() {
      // Stops fetching, lets the running batch finish (it commits its offset), then leaves the group.
      await consumer.disconnect();
      logger.info('left the consumer group');
    },
  };
}
