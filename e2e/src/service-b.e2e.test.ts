import { randomUUID } from 'node:crypto';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { describe, expect, it } from 'vitest';
import { findRecordByEventId, produceRecord } from './kafka-records.js';
import { loadWithRetries } from './load-with-retries.js';
import { expectEveryAcceptedCallOnce } from './reconcile.js';
import { calculatorClient, eventually, freshUserId, getServiceB, stack, supervisorctl } from './stack.js';

const registry = new SchemaRegistry({ host: stack.registryUrl });
const deadLetterTopic = `${stack.topic}.dlq`;

/** A well-formed SumCalculated, encoded with the registered schema, as Debezium would publish it. */
async function goodRecord(partition: number) {
  const eventId = randomUUID();
  const userId = freshUserId('hand-made');
  const schemaId = await registry.getLatestSchemaId(`${stack.topic}-value`);
  const value = await registry.encode(schemaId, {
    eventId,
    userId,
    operands: [3, 4],
    sum: 7,
    requestId: null,
    createdAt: Date.now(),
  });
  return { eventId, record: { partition, key: Buffer.from(userId), value, headers: { id: Buffer.from(eventId) } } };
}

async function expectDeadLettered(value: Buffer, reason: string) {
  const id = randomUUID();
  const partition = 2;
  await produceRecord(stack.topic, { partition, key: Buffer.from('poison'), value, headers: { id: Buffer.from(id) } });
  const dead = await findRecordByEventId(deadLetterTopic, id, 60_000);
  expect(dead.value?.equals(value)).toBe(true);
  expect(dead.headers['dlq.reason']?.toString()).toBe(reason);
  expect(dead.headers['dlq.source.topic']?.toString()).toBe(stack.topic);
  expect(dead.headers['dlq.source.partition']?.toString()).toBe(String(partition));
  expect(Number(dead.headers['dlq.source.offset']?.toString())).toBeGreaterThanOrEqual(0);

  // The partition keeps flowing: a good event behind the poison is applied.
  const good = await goodRecord(partition);
  await produceRecord(stack.topic, good.record);
  await eventually('the good event behind the poison', async () => {
    const { status } = await getServiceB(`/v1/calculations/${good.eventId}`);
    return status === 200 ? true : undefined;
  });
}

describe('service-b poison events', () => {
  it('dead-letters undecodable bytes with the reason and source position', async () => {
    await expectDeadLettered(Buffer.from('not an avro record'), 'undecodable');
  });

  it('dead-letters a value framed with an unknown schema id', async () => {
    await expectDeadLettered(Buffer.from([0, 0x7f, 0xff, 0xff, 0x00, 1, 2, 3]), 'unknown-schema');
  });

  it('dead-letters a schema-valid but semantically invalid event', async () => {
    const schemaId = await registry.getLatestSchemaId(`${stack.topic}-value`);
    const invalid = await registry.encode(schemaId, {
      eventId: 'not-a-uuid',
      userId: 'someone',
      operands: [1],
      sum: 1,
      requestId: null,
      createdAt: Date.now(),
    });
    await expectDeadLettered(invalid, 'invalid');
  });
});

describe('service-b exactly once', () => {
  it('applies every accepted call once when service-b is killed (-9) mid-stream', async () => {
    const { client, close } = calculatorClient();
    const load = loadWithRetries(client, { workers: 12, durationMs: 8000, userPrefix: freshUserId('b-kill') });
    await new Promise((r) => setTimeout(r, 3000));
    await supervisorctl('signal', 'KILL', 'service-b');
    const result = await load;
    close();
    expect(result.failures).toEqual([]);
    await expectEveryAcceptedCallOnce(result.accepted);
  });
});
