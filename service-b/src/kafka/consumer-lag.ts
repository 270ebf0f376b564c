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
  consumer: KafkaJS.Consumer;
  admin: KafkaJS.Admin;
  topic: string;
  groupId: string;
  logger: Logger;
}

/**
 * `kafka_consumer_lag_messages{topic,partition}`, read from the broker at scrape time for the
 * partitions assigned to this instance, so the instances' series add up to the group's lag.
 */
export function registerConsumerLagMetric(deps: ConsumerLagDeps): void {
  const { consumer, admin, topic, groupId, logger } = deps;
  new Gauge({
    name: 'kafka_consumer_lag_messages',
    help: 'Records of the topic not yet processed by this instance: log end offset minus committed offset',
    labelNames: ['topic', 'partition'],
    registers: [deps.registry],
    async collect() {
      this.reset();
      const owned = consumer
        .assignment()
        .filter((p) => p.topic === topic)
        .map((p) => p.partition);
      if (owned.length === 0) return;
      try {
        const [ends, groups] = await Promise.all([
          admin.fetchTopicOffsets(topic),
          admin.fetchOffsets({ groupId, topics: [topic], timeout: 2000 }),
        ]);
        const committed = groups.find((g) => g.topic === topic)?.partitions ?? [];
        for (const { partition, lag } of consumerLag(owned, ends, committed)) {
          this.set({ topic, partition: String(partition) }, lag);
        }
      } catch (error) {
        logger.debug({ err: error }, 'consumer lag unavailable for this scrape');
      }
    },
  });
}
