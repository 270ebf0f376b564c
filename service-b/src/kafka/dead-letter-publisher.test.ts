import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { describe, expect, it } from 'vitest';
import { PoisonEventError } from '../errors.js';
import { createDeadLetterPublisher, type DeadLetter } from './dead-letter-publisher.js';

function setUp(maxBytes = 900_000) {
  const sent: KafkaJS.ProducerRecord[] = [];
  const publisher = createDeadLetterPublisher({
    producer: {
      send: async (record) => {
        sent.push(record);
        return [];
      },
    },
    topic: 'user-events.dlq',
    maxBytes,
  });
  return { publisher, sent };
}

const letter = (change: Partial<DeadLetter> = {}): DeadLetter => ({
  error: new PoisonEventError('undecodable', 'value is not in the Confluent wire format'),
  partition: 2,
  offset: '41',
  key: Buffer.from('alice'),
  value: Buffer.from('not avro'),
  headers: { id: Buffer.from('019a8f3e-1c2b-7d4e-8f00-123456789abc') },
  ...change,
});

const sizeOf = (message: KafkaJS.Message) =>
  (message.key?.length ?? 0) +
  (message.value?.length ?? 0) +
  Object.entries(message.headers ?? {}).reduce((total, [name, value]) => total + name.length + String(value).length, 0);

describe('createDeadLetterPublisher', () => {
  it('copies the record untouched, with why and where it came from', async () => {
    const { publisher, sent } = setUp();
    await publisher.publish('user-events', [letter()]);
    expect(sent).toEqual([
      {
        topic: 'user-events.dlq',
        messages: [
          {
            key: Buffer.from('alice'),
            value: Buffer.from('not avro'),
            headers: {
              id: Buffer.from('019a8f3e-1c2b-7d4e-8f00-123456789abc'),
              'dlq.reason': 'undecodable',
              'dlq.error': 'value is not in the Confluent wire format',
              'dlq.source.topic': 'user-events',
              'dlq.source.partition': '2',
              'dlq.source.offset': '41',
            },
          },
        ],
      },
    ]);
  });

  it('sends nothing for no dead letters', async () => {
    const { publisher, sent } = setUp();
    await publisher.publish('user-events', []);
    expect(sent).toEqual([]);
  });

  it('cuts a value that would not fit the dead-letter topic, and says how long it was', async () => {
    const { publisher, sent } = setUp(900_000);
    await publisher.publish('user-events', [letter({ value: Buffer.alloc(1_048_000, 1) })]);
    const message = sent[0]?.messages[0] as KafkaJS.Message;
    expect(message.headers?.['dlq.truncated']).toBe('1048000');
    const value = message.value as Buffer;
    expect(value.length).toBeLessThan(900_000);
    expect(value.equals(Buffer.alloc(value.length, 1))).toBe(true);
    expect(sizeOf(message)).toBeLessThanOrEqual(900_000);
  });

  it('cuts a huge key and drops headers that alone would not fit, saying so', async () => {
    const { publisher, sent } = setUp(10_000);
    const headers = { big: Buffer.alloc(8_000), other: 'x' };
    await publisher.publish('user-events', [letter({ key: Buffer.alloc(5_000), headers, value: Buffer.alloc(9_500) })]);
    const message = sent[0]?.messages[0] as KafkaJS.Message;
    expect(message.key?.length).toBe(1024);
    expect(message.headers?.['dlq.key.truncated']).toBe('5000');
    expect(message.headers?.['dlq.headers.dropped']).toBe('2');
    expect(message.headers?.big).toBeUndefined();
    expect(message.headers?.['dlq.truncated']).toBe('9500');
    expect(sizeOf(message)).toBeLessThanOrEqual(10_000);
  });

  it('cuts an error message that quotes a huge value', async () => {
    const { publisher, sent } = setUp();
    const error = new PoisonEventError('rejected-by-database', `invalid input: ${'x'.repeat(50_000)}`);
    await publisher.publish('user-events', [letter({ error })]);
    expect(String(sent[0]?.messages[0]?.headers?.['dlq.error']).length).toBeLessThan(1100);
  });
});
