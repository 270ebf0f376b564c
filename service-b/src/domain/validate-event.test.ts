import type { SumCalculated } from '@calculator/proto';
import { describe, expect, it } from 'vitest';
import { PoisonEventError } from '../errors.js';
import { validateEvent } from './validate-event.js';

const event: SumCalculated = {
  eventId: '019a8f3e-1c2b-7d4e-8f00-123456789abc',
  userId: 'alice',
  operands: [1, 2],
  sum: 3,
  requestId: null,
  createdAt: 1_790_000_000_000,
};

describe('validateEvent', () => {
  it('accepts a well-formed event', () => {
    expect(validateEvent(event)).toBe(event);
  });

  it.each([
    ['a non-UUID event id', { eventId: 'nope' }],
    ['an empty user id', { userId: '' }],
    ['a NaN operand', { operands: [1, Number.NaN] }],
    ['an infinite sum', { sum: Number.POSITIVE_INFINITY }],
    ['a zero timestamp', { createdAt: 0 }],
  ])('refuses %s as invalid', (_case, change) => {
    expect(() => validateEvent({ ...event, ...change })).toThrow(PoisonEventError);
  });
});
