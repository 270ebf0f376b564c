import { createChannel, createClient, Status } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { afterAll, describe, expect, it } from 'vitest';
import { findRecordByEventId, produceRecord } from './kafka-records.js';
import { summaryOf } from './reconcile.js';
import {
  calculatorClient,
  eventually,
  freshUserId,
  getServiceB,
  serviceBCounter,
  stack,
  supervisorctl,
} from './stack.js';

const { client, close } = calculatorClient();
afterAll(close);

describe('the pipeline, through the real stack', () => {
  it('carries a CalculateSum through nginx, the outbox and Kafka to service-b', async () => {
    const userId = freshUserId('e2e-flow');
    const answer = await client.calculateSum({ userId, operands: [1.5, 2.25, 40] });
    expect(answer.sum).toBe(43.75);
    expect(answer.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);

    const calculation = await eventually('the calculation in service-b', async () => {
      const { status, body } = await getServiceB<Record<string, unknown>>(`/v1/calculations/${answer.eventId}`);
      return status === 200 ? body : undefined;
    });
    expect(calculation).toMatchObject({ eventId: answer.eventId, userId, operands: [1.5, 2.25, 40], sum: 43.75 });
    expect(await summaryOf(userId)).toEqual({ userId, calculationCount: 1, total: 43.75 });
  });

  it('publishes the event keyed by user id with id and eventType headers, registry-framed', async () => {
    const userId = freshUserId('e2e-record');
    const answer = await client.calculateSum({ userId, operands: [7] });
    const record = await findRecordByEventId(stack.topic, answer.eventId);
    expect(record.key?.toString()).toBe(userId);
    expect(record.headers.eventType?.toString()).toBe('SumCalculated');
    // Confluent wire format: magic byte 0, then a 4-byte schema id.
    expect(record.value?.[0]).toBe(0);
    expect(record.value?.readInt32BE(1)).toBeGreaterThan(0);
  });

  it('applies an event delivered twice only once', async () => {
    const userId = freshUserId('e2e-dup');
    const answer = await client.calculateSum({ userId, operands: [10, 5] });
    await eventually('the first delivery applied', () => summaryOf(userId));
    const record = await findRecordByEventId(stack.topic, answer.eventId);

    const duplicatesBefore = await serviceBCounter('events_processed_total', 'outcome="duplicate"');
    await produceRecord(stack.topic, record);
    await eventually('service-b to see the redelivery', async () => {
      const duplicates = await serviceBCounter('events_processed_total', 'outcome="duplicate"');
      return duplicates > duplicatesBefore ? duplicates : undefined;
    });

    expect(await summaryOf(userId)).toEqual({ userId, calculationCount: 1, total: 15 });
  });

  it('answers UNAVAILABLE while Postgres is down, and that call never appears later', async () => {
    const userId = freshUserId('e2e-pgdown');
    await supervisorctl('stop', 'postgres');
    const channel = createChannel(stack.serviceAAddress(1));
    try {
      const failed = client.calculateSum({ userId, operands: [1000] }, { signal: AbortSignal.timeout(15_000) });
      await expect(failed).rejects.toMatchObject({ code: Status.UNAVAILABLE });
      // The instance's database probe flips its gRPC health to NOT_SERVING (2).
      const health = createClient(HealthDefinition, channel);
      await eventually('NOT_SERVING while the database is down', async () => {
        const { status } = await health.check({ service: '' });
        return status === 2 ? status : undefined;
      });
    } finally {
      channel.close();
      await supervisorctl('start', 'postgres');
    }

    // Once Postgres is back (and Debezium has reconnected), a good call goes through; the
    // per-user order of the outbox means the failed one would have arrived before it.
    const answer = await eventually(
      'a call to succeed after Postgres restarted',
      () => client.calculateSum({ userId, operands: [2, 3] }),
      30_000,
    );
    await eventually(
      'the good call in service-b',
      async () => {
        const { status } = await getServiceB(`/v1/calculations/${answer.eventId}`);
        return status === 200 ? true : undefined;
      },
      90_000,
    );
    expect(await summaryOf(userId)).toEqual({ userId, calculationCount: 1, total: 5 });
  });
});
