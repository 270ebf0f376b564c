import type { SumCalculated } from '@calculator/proto';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { describe, expect, it } from 'vitest';
import { createEventEncoder } from './event-encoder.js';

const SCHEMA_ID = 4242;

/**
 * The real registry client with only its HTTP layer replaced (a private field of the pinned
 * 3.9.0): register() then compiles and caches the schema exactly as it does against a registry,
 * so its own encode() and decode() run offline and serve as the reference.
 */
function offlineRegistry(): SchemaRegistry {
  const registry = new SchemaRegistry({ host: 'http://registry.invalid' });
  const api = {
    Subject: {
      config: async () => ({ data: () => ({ compatibilityLevel: 'BACKWARD' }) }),
      register: async () => ({ data: () => ({ id: SCHEMA_ID }) }),
    },
  };
  return Object.assign(registry, { api });
}

const event = (overrides: Partial<SumCalculated> = {}): SumCalculated => ({
  eventId: '0192f6d2-7c4e-7b1a-9d2e-3f4a5b6c7d8e',
  userId: 'alice',
  operands: [1, 2.5, -3e-7],
  sum: 3.4999997,
  requestId: 'r-1',
  createdAt: 1_764_633_600_123,
  ...overrides,
});

describe('createEventEncoder', () => {
  it('produces the bytes the registry client encodes for the same schema id', async () => {
    const registry = offlineRegistry();
    const encoder = createEventEncoder(registry, 'user-events');
    expect(await encoder.register()).toBe(SCHEMA_ID);
    for (const sample of [event(), event({ requestId: null, operands: [] }), event({ userId: 'ü-ß' })]) {
      const bytes = encoder.encode(sample);
      expect(bytes.equals(await registry.encode(SCHEMA_ID, sample))).toBe(true);
      expect(await registry.decode(bytes)).toEqual(sample);
    }
  });

  it('frames the body with magic byte 0 and the schema id as a big-endian int32', async () => {
    const encoder = createEventEncoder(offlineRegistry(), 'user-events');
    await encoder.register();
    const bytes = encoder.encode(event());
    expect(bytes[0]).toBe(0);
    expect(bytes.readInt32BE(1)).toBe(SCHEMA_ID);
  });

  it('encodes an event larger than its scratch buffer, and smaller ones after it', async () => {
    const registry = offlineRegistry();
    const encoder = createEventEncoder(registry, 'user-events');
    await encoder.register();
    const large = event({ operands: Array.from({ length: 10_000 }, (_, i) => i / 7) });
    const bytes = encoder.encode(large);
    expect(bytes.length).toBeGreaterThan(80_000);
    expect(bytes.equals(await registry.encode(SCHEMA_ID, large))).toBe(true);
    expect(encoder.encode(event()).equals(await registry.encode(SCHEMA_ID, event()))).toBe(true);
  });

  it('returns a buffer of its own per event, not a view of a shared one', async () => {
    const encoder = createEventEncoder(offlineRegistry(), 'user-events');
    await encoder.register();
    const first = encoder.encode(event({ userId: 'first' }));
    const copy = Buffer.from(first);
    encoder.encode(event({ userId: 'second' }));
    expect(first.equals(copy)).toBe(true);
  });

  it('refuses to encode before the schema is registered', () => {
    const encoder = createEventEncoder(offlineRegistry(), 'user-events');
    expect(() => encoder.encode(event())).toThrow('event schema not registered yet');
  });

  it('registers under <topic>-value with BACKWARD compatibility', async () => {
    const calls: unknown[] = [];
    const registry = {
      register: async (...args: unknown[]) => {
        calls.push(args[1]);
        return { id: 7 };
      },
    };
    await createEventEncoder(registry as Pick<SchemaRegistry, 'register'>, 'user-events').register();
    expect(calls).toEqual([{ subject: 'user-events-value', compatibility: 'BACKWARD' }]);
  });
});
