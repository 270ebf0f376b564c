import { describe, expect, it } from 'vitest';
import { createEventIds } from './event-ids.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('createEventIds', () => {
  it('makes distinct UUIDv7 ids across several pool refills', () => {
    const next = createEventIds();
    const ids = Array.from({ length: 2000 }, next);
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('puts the current time in the first 48 bits', () => {
    const before = Date.now();
    const id = createEventIds()();
    const msecs = Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);
    expect(msecs).toBeGreaterThanOrEqual(before);
    expect(msecs).toBeLessThanOrEqual(Date.now());
  });
});
