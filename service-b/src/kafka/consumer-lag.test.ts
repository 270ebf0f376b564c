import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { consumerLag, registerConsumerLagMetric } from './consumer-lag.js';

const ends = [
  { partition: 0, high: '120', low: '0' },
  { partition: 1, high: '50', low: '10' },
  { partition: 2, high: '7', low: '0' },
];

describe('consumerLag', () => {
  it('is the log end offset minus the committed offset, for owned partitions only', () => {
    const committed = [
      { partition: 0, offset: '100' },
      { partition: 1, offset: '50' },
      { partition: 2, offset: '3' },
    ];
    expect(consumerLag([0, 1], ends, committed)).toEqual([
      { partition: 0, lag: 20 },
      { partition: 1, lag: 0 },
    ]);
  });

  it('counts from the log start when the group has committed nothing yet', () => {
    expect(consumerLag([1], ends, [{ partition: 1, offset: '-1' }])).toEqual([{ partition: 1, lag: 40 }]);
    expect(consumerLag([2], ends, [])).toEqual([{ partition: 2, lag: 7 }]);
  });

  it('skips a partition the broker reported no offsets for', () => {
    expect(consumerLag([5], ends, [])).toEqual([]);
  });
});

describe('registerConsumerLagMetric', () => {
  function setUp() {
    let time = 1_000_000;
    const calls: string[] = [];
    let brokerDown = false;
    const registry = new Registry();
    registerConsumerLagMetric({
      registry,
      consumer: {
        assignment: () => [
          { topic: 'user-events', partition: 0 },
          { topic: 'other', partition: 0 },
        ],
        committed: async (partitions) => {
          calls.push(`committed ${partitions?.map((p) => `${p.topic}/${p.partition}`).join()}`);
          if (brokerDown) throw new Error('Local: Broker transport failure');
          return [{ topic: 'user-events', partition: 0, offset: '90' }];
        },
      },
      admin: {
        fetchTopicOffsets: async (topic) => {
          calls.push(`fetchTopicOffsets ${topic}`);
          if (brokerDown) throw new Error('Local: Broker transport failure');
          return [{ partition: 0, offset: '100', high: '100', low: '0' }];
        },
      },
      topic: 'user-events',
      logger: pino({ level: 'silent' }),
      cooldownMs: 30_000,
      now: () => time,
    });
    const scrape = async () => (await registry.getSingleMetric('kafka_consumer_lag_messages')?.get())?.values ?? [];
    return {
      scrape,
      calls,
      setBrokerDown: (down: boolean) => {
        brokerDown = down;
      },
      advance: (ms: number) => {
        time += ms;
      },
    };
  }

  it('reads the committed offsets through the consumer, never the admin’s group-offsets request', async () => {
    const { scrape, calls } = setUp();
    expect(await scrape()).toEqual([{ labels: { topic: 'user-events', partition: '0' }, value: 10 }]);
    expect(calls).toEqual(['fetchTopicOffsets user-events', 'committed user-events/0']);
  });

  it('reports nothing, and fails no scrape, while the consumer is not connected', async () => {
    const registry = new Registry();
    registerConsumerLagMetric({
      registry,
      consumer: {
        assignment: () => {
          throw new Error('Assignment can only be called while connected.');
        },
        committed: async () => [],
      },
      admin: { fetchTopicOffsets: async () => [] },
      topic: 'user-events',
      logger: pino({ level: 'silent' }),
    });
    await expect(registry.metrics()).resolves.toContain('kafka_consumer_lag_messages');
  });

  it('asks the broker once for scrapes that overlap', async () => {
    const { scrape, calls } = setUp();
    await Promise.all([scrape(), scrape(), scrape()]);
    expect(calls).toHaveLength(2);
  });

  it('leaves the broker alone for a while after a failed read, then asks again', async () => {
    const { scrape, calls, setBrokerDown, advance } = setUp();
    setBrokerDown(true);
    expect(await scrape()).toEqual([]);
    expect(calls).toHaveLength(2);
    advance(10_000);
    expect(await scrape()).toEqual([]);
    expect(calls).toHaveLength(2);
    setBrokerDown(false);
    advance(25_000);
    expect(await scrape()).toHaveLength(1);
    expect(calls).toHaveLength(4);
  });
});
