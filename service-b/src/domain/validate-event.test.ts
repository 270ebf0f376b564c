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

function refusal(value: unknown): PoisonEventError {
  try {
    validateEvent(value);
  } catch (error) {
    if (error instanceof PoisonEventError) return error;
    throw error;
  }
  throw new Error('expected a PoisonEventError');
}

describe('validateEvent', () => {
  it('accepts a well-formed event', () => {
    expect(validateEvent(event)).toEqual(event);
    expect(validateEvent({ ...event, requestId: 'r-1' }).requestId).toBe('r-1');
  });

  it('accepts the limits service-a accepts', () => {
    const largest = {
      ...event,
      userId: 'u'.repeat(128),
      requestId: 'r'.repeat(128),
      operands: Array.from({ length: 10_000 }, () => 1),
      createdAt: 8_640_000_000_000_000,
    };
    expect(validateEvent(largest)).toEqual(largest);
  });

  it('keeps only the fields of SumCalculated, whatever else a newer writer schema added', () => {
    expect(validateEvent({ ...event, note: 'added later' })).toEqual(event);
  });

  it.each([
    ['a non-UUID event id', { eventId: 'nope' }, 'eventId: must be a UUID'],
    ['an empty user id', { userId: '' }, 'userId: is required'],
    ['a NUL in the user id', { userId: 'al\u0000ice' }, 'userId: contains a NUL character'],
    ['a lone surrogate in the user id', { userId: 'al\uD800ice' }, 'userId: contains an unpaired UTF-16 surrogate'],
    ['a user id longer than service-a allows', { userId: 'u'.repeat(129) }, 'userId: at most 128 characters'],
    ['a user id outside the id alphabet', { userId: 'a b' }, 'userId: only letters, digits and . _ : @ - are allowed'],
    ['an empty request id', { requestId: '' }, 'requestId: only letters, digits and . _ : @ - are allowed'],
    ['a NUL in the request id', { requestId: '\u0000' }, 'requestId: contains a NUL character'],
    ['too many operands', { operands: Array.from({ length: 10_001 }, () => 1) }, 'operands: at most 10000 numbers'],
    ['a NaN operand', { operands: [1, Number.NaN] }, 'operands[1]: must be a finite number'],
    ['an infinite sum', { sum: Number.POSITIVE_INFINITY }, 'sum: must be a finite number'],
    ['a zero timestamp', { createdAt: 0 }, 'createdAt: must be epoch milliseconds'],
    ['a timestamp beyond a JS Date', { createdAt: 8_640_000_000_000_001 }, 'createdAt: must be epoch milliseconds'],
    ['a fractional timestamp', { createdAt: 1.5 }, 'createdAt: must be epoch milliseconds'],
  ])('refuses %s as invalid', (_case, change, message) => {
    const error = refusal({ ...event, ...change });
    expect(error.reason).toBe('invalid');
    expect(error.message).toContain(message);
  });

  it.each([
    ['a null value', null, 'value: must be a record'],
    ['a missing user id', { ...event, userId: undefined }, 'userId: must be a string'],
    ['operands that are not numbers', { ...event, operands: ['1'] }, 'operands: must be an array of numbers'],
    ['a sum that is not a number', { ...event, sum: '3' }, 'sum: must be a number'],
  ])('refuses %s, as a writer schema unlike ours would decode', (_case, value, message) => {
    expect(refusal(value).message).toBe(message);
  });

  it('never quotes the offending value, which may be as large as the record', () => {
    expect(refusal({ ...event, eventId: 'x'.repeat(100_000) }).message.length).toBeLessThan(100);
  });
});
