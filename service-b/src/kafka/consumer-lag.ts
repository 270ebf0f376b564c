import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';

export interface PartitionLag {
  partition: number;
  lag: number;
}

/**
 * Messages not yet processed, per partition this instance owns: the log end offset minus the group's
 * committed offset (the next one to process). A partition with no committed offset yet counts from
 * its log start.
 */
export function consumerLag(
  owned: readonly number[],
  ends: readonly { partition: number; high: string; low: string }[],
  committed: readonly { partition: number; offset: string }[],
): PartitionLag[] {
  return owned.flatMap((partition) => {
    const end = ends.find((e) => e.partition === partition);
    if (!end) return [];
    const offset = Number(committed.find((c) => c.partition === partition)?.offset ?? '-1');
    const next = offset >= 0 ? offset : Number(end.low);
    return [{ partition, lag: Math.max(0, Number(end.high) - next) }];
  });
}

export interface ConsumerLagDeps {
  registry: Registry;
  consumer: Pick<KafkaJS.Consumer, 'assignment' | 'committed'>;
  admin: Pick<KafkaJS.Admin, 'fetchTopicOffsets'>;
  topic: string;
  logger: Logger;
  /** How long the broker is left alone after a failed read; 5 s (one scrape) unless a test needs otherwise. */
  cooldownMs?: number;
  now?: () => number;
}

// Each request waits at most this long, well inside a Prometheus scrape timeout.
const REQUEST_TIMEOUT_MS = 2000;
// One scrape interval: enough to send nothing into a broker outage, short enough that a read failing
// during a rebalance (committed() times out while partitions move) hides the lag for one scrape only.
const COOLDOWN_MS = 5000;
const READ_UNCOMMITTED: KafkaJS.IsolationLevel = 0;

/**
 * `kafka_consumer_lag_messages{topic,partition}`, read from the broker at scrape time for the
 * partitions assigned to this instance, so the instances' series add up to the group's lag.
 *
 * The committed offsets come from the consumer's own group connection, not from the admin client:
 * the admin's ListConsumerGroupOffsets goes through librdkafka's coordinator-request path, which
 * aborts the process (`rd_kafka_enq_once_del_source_return: Assertion 'eonce->refcnt > 0'`) when
 * the request fails to be sent, as when the broker goes away (librdkafka#5397, unreleased in
 * 2.15.1). The admin client is still asked for the log end offsets (ListOffsets, sent to the
 * partition leaders), but at most one read runs at a time, each with a timeout, and after a failed
 * read neither client is asked again for a while: a broker outage sees no request from here.
 */
export function registerConsumerLagMetric(deps: ConsumerLagDeps): void {
  const { consumer, admin, topic, logger, cooldownMs = COOLDOWN_MS, now = Date.now } = deps;
  let inFlight: Promise<PartitionLag[]> | undefined;
  let quietUntil = 0;

  async function read(owned: readonly number[]): Promise<PartitionLag[]> {
    try {
      const [ends, committed] = await Promise.all([
        admin.fetchTopicOffsets(topic, { timeout: REQUEST_TIMEOUT_MS, isolationLevel: READ_UNCOMMITTED }),
        consumer.committed(
          owned.map((partition) => ({ topic, partition })),
          REQUEST_TIMEOUT_MS,
        ),
      ]);
      return consumerLag(
        owned,
        ends,
        committed.filter((c) => c.topic === topic),
      );
    } catch (error) {
      quietUntil = now() + cooldownMs;
      logger.warn({ err: error, cooldownMs }, 'consumer lag unavailable; not asking the broker again for a while');
      return [];
    } finally {
      inFlight = undefined;
    }
  }

  new Gauge({
    name: 'kafka_consumer_lag_messages',
    help: 'Records of the topic not yet processed by this instance: log end offset minus committed offset',
    labelNames: ['topic', 'partition'],
    registers: [deps.registry],
    async collect() {
      this.reset();
      let owned: number[];
      try {
        owned = consumer
          .assignment()
          .filter((p) => p.topic === topic)
          .map((p) => p.partition);
      } catch {
        // Not connected yet, or no more: no partitions, and the scrape of every other metric goes on.
        return;
      }
      if (owned.length === 0 || now() < quietUntil) return;
      inFlight ??= read(owned);
      for (const { partition, lag } of await inFlight) {
        this.set({ topic, partition: String(partition) }, lag);
      }
    },
  });
}
