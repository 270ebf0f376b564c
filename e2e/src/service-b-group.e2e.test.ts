import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { groupMemberClientIds } from './kafka-records.js';
import { loadWithRetries } from './load-with-retries.js';
import { expectAppliedInCallOrder, expectEveryAcceptedCallOnce, expectSettledSummary } from './reconcile.js';
import {
  calculatorClient,
  eventually,
  everyServiceBReady,
  freshUserId,
  getServiceB,
  metricSamples,
  runFromRepo,
  serviceBCounter,
  serviceBInstanceCounter,
  stack,
  supervisorctl,
} from './stack.js';

// Two service-b instances share the `service-b` consumer group (cooperative-sticky assignment).
const groupId = 'service-b';
const instances = stack.serviceBUrls.map((url, i) => ({ name: `service-b-${i + 1}`, url }));
const { client, close } = calculatorClient();
afterAll(close);

/** The consumer lag an instance reports, one sample per partition assigned to it. */
const lagSamples = async (url: string) =>
  (await metricSamples(url, 'kafka_consumer_lag_messages')).map(({ labels, value }) => ({
    partition: labels.match(/partition="(\d+)"/)?.[1] ?? '',
    lag: value,
  }));
const ownedPartitions = async (url: string) => (await lagSamples(url)).map((s) => s.partition);
const consumerLags = async (url: string) => (await lagSamples(url)).map((s) => s.lag);

describe('service-b instances sharing the partitions', () => {
  it('keeps per-user order, with no duplicate and no gap, while instances leave and join under load', async () => {
    await everyServiceBReady();
    const load = loadWithRetries(client, { workers: 12, durationMs: 10_000, userPrefix: freshUserId('rebalance') });
    await sleep(2000);
    await supervisorctl('stop', 'service-b-2');
    await sleep(2000);
    await supervisorctl('start', 'service-b-2');
    await sleep(2000);
    await supervisorctl('stop', 'service-b-1');
    await sleep(1500);
    await supervisorctl('start', 'service-b-1');
    const result = await load;
    expect(result.failures).toEqual([]);
    expect(result.accepted.size).toBeGreaterThan(100);
    await expectEveryAcceptedCallOnce(result.accepted);
    await expectAppliedInCallOrder(result.accepted);

    // Both instances hold partitions again, and together all of them.
    await everyServiceBReady();
    const owned = await eventually('the partitions shared by both instances', async () => {
      const lists = await Promise.all(instances.map(({ url }) => ownedPartitions(url)));
      return lists.every((list) => list.length > 0) ? lists : undefined;
    });
    expect(owned.flat().sort()).toEqual(['0', '1', '2', '3', '4', '5']);
  });

  it('on SIGTERM finishes its batch, commits and leaves the group: nothing is redelivered', async () => {
    await everyServiceBReady();
    const [leaving, staying] = instances as [(typeof instances)[0], (typeof instances)[0]];
    const duplicatesBefore = await serviceBInstanceCounter(
      staying.url,
      'events_processed_total',
      'outcome="duplicate"',
    );
    const load = loadWithRetries(client, { workers: 12, durationMs: 6000, userPrefix: freshUserId('b-term') });
    let result: Awaited<typeof load>;
    try {
      await sleep(2500);
      await supervisorctl('stop', leaving.name);
      // A member that left is gone at once; a crashed one would stay until its session timed out (45 s).
      expect(await groupMemberClientIds(groupId)).toEqual([staying.name]);
      result = await load;
      await eventually('the staying instance to own every partition and catch up', async () => {
        const lags = await consumerLags(staying.url);
        return lags.length === 6 && lags.every((lag) => lag === 0) ? true : undefined;
      });
      // Every batch the leaving instance applied was committed: its partitions resumed exactly there.
      expect(await serviceBInstanceCounter(staying.url, 'events_processed_total', 'outcome="duplicate"')).toBe(
        duplicatesBefore,
      );
    } finally {
      await supervisorctl('start', leaving.name);
    }
    expect(result.failures).toEqual([]);
    await expectEveryAcceptedCallOnce(result.accepted);
    await everyServiceBReady();
  });

  it('changes nothing when the group is rewound and every event is delivered again', async () => {
    await everyServiceBReady();
    const userId = freshUserId('rewind');
    const since = new Date(Date.now() - 1000);
    for (let n = 1; n <= 20; n++) await client.calculateSum({ userId, operands: [n] });
    await expectSettledSummary(userId, 20, 210);

    const names = instances.map((i) => i.name);
    await supervisorctl('stop', ...names);
    try {
      await runFromRepo(
        'bash',
        'stack/scripts/consumer-groups.sh',
        '--reset-offsets',
        '--group',
        groupId,
        '--topic',
        stack.topic,
        '--to-datetime',
        since.toISOString().replace('Z', ''),
        '--execute',
      );
    } finally {
      await supervisorctl('start', ...names);
    }
    await everyServiceBReady();
    // Counters restart with the processes: everything seen since is a redelivery.
    await eventually('the 20 redelivered events skipped as duplicates', async () => {
      const duplicates = await serviceBCounter('events_processed_total', 'outcome="duplicate"');
      return duplicates >= 20 ? duplicates : undefined;
    });
    expect(await serviceBCounter('events_processed_total', 'outcome="applied"')).toBe(0);
    await expectSettledSummary(userId, 20, 210);
    const { body } = await getServiceB<{ items: unknown[] }>(`/v1/users/${userId}/calculations?limit=100`);
    expect(body.items).toHaveLength(20);
  });
});
