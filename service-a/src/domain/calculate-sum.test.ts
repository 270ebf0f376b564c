import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { calculateSum, MAX_USER_ID_LENGTH } from './calculate-sum.js';

function rejection(fn: () => unknown): InvalidArgumentError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error;
    throw error;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('calculateSum', () => {
  it('adds the operands', () => {
    expect(calculateSum({ userId: 'alice', operands: [1, 2, 3.5] })).toEqual({
      userId: 'alice',
      operands: [1, 2, 3.5],
      sum: 6.5,
      requestId: null,
    });
  });

  it('sums no operands to zero', () => {
    expect(calculateSum({ userId: 'alice', operands: [] }).sum).toBe(0);
  });

  it('keeps a request id', () => {
    expect(calculateSum({ userId: 'a', operands: [1], requestId: 'r-1' }).requestId).toBe('r-1');
  });

  it('requires a user id', () => {
    expect(rejection(() => calculateSum({ userId: '', operands: [1] })).field).toBe('user_id');
  });

  it('bounds the user id length', () => {
    const userId = 'u'.repeat(MAX_USER_ID_LENGTH + 1);
    expect(rejection(() => calculateSum({ userId, operands: [1] })).message).toMatch(/^user_id: at most/);
  });

  it('refuses characters outside the id alphabet', () => {
    expect(rejection(() => calculateSum({ userId: 'a b', operands: [1] })).field).toBe('user_id');
    expect(rejection(() => calculateSum({ userId: 'a', operands: [1], requestId: 'x/y' })).field).toBe('request_id');
  });

  it('names the first non-finite operand', () => {
    expect(rejection(() => calculateSum({ userId: 'a', operands: [1, Number.NaN] })).field).toBe('operands[1]');
    expect(rejection(() => calculateSum({ userId: 'a', operands: [Number.POSITIVE_INFINITY] })).field).toBe(
      'operands[0]',
    );
  });

  it('refuses a sum that overflows to infinity', () => {
    const max = Number.MAX_VALUE;
    expect(rejection(() => calculateSum({ userId: 'a', operands: [max, max] })).message).toBe(
      'operands: the sum overflows',
    );
  });
});
