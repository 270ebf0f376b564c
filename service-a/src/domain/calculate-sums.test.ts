import { describe, expect, it } from 'vitest';
import { RequestIdReusedError } from '../errors.js';
import { calculateSums, MAX_BATCH_ITEMS } from './calculate-sums.js';

describe('calculateSums', () => {
  it('computes every item in order', () => {
    const sums = calculateSums([
      { userId: 'a', operands: [1, 2] },
      { userId: 'b', operands: [3], requestId: 'r' },
    ]);
    expect(sums.map((s) => s.sum)).toEqual([3, 3]);
    expect(sums[1]?.requestId).toBe('r');
  });

  it('names the bad item by its index', () => {
    expect(() =>
      calculateSums([
        { userId: 'a', operands: [1] },
        { userId: '', operands: [] },
      ]),
    ).toThrow('items[1].user_id: is required');
  });

  it('refuses an empty or oversized batch', () => {
    expect(() => calculateSums([])).toThrow('items: at least one item is required');
    const many = Array.from({ length: MAX_BATCH_ITEMS + 1 }, () => ({ userId: 'a', operands: [1] }));
    expect(() => calculateSums(many)).toThrow(`items: at most ${MAX_BATCH_ITEMS} items`);
  });
});

describe('calculateSums and request ids', () => {
  it('refuses two items with one request id and different operands before anything is written', () => {
    expect(() =>
      calculateSums([
        { userId: 'alice', operands: [1], requestId: 'r-1' },
        { userId: 'alice', operands: [2], requestId: 'r-1' },
      ]),
    ).toThrow(RequestIdReusedError);
  });

  it('allows the same item twice, and the same request id for two users', () => {
    const valid = calculateSums([
      { userId: 'alice', operands: [1], requestId: 'r-1' },
      { userId: 'alice', operands: [1], requestId: 'r-1' },
      { userId: 'bob', operands: [2], requestId: 'r-1' },
    ]);
    expect(valid.map((v) => v.sum)).toEqual([1, 1, 2]);
  });
});
