import { describe, expect, it } from 'vitest';
import { PoisonEventError } from '../errors.js';
import { describeValueError, firstHeaderText, formatRecord, headerText } from './format-record.js';

const message = {
  offset: '42',
  timestamp: '1767225600000',
  key: Buffer.from('alice'),
  value: Buffer.from([0, 0, 0, 0, 7, 1, 2]),
  headers: { id: Buffer.from('0198-e'), eventType: 'SumCalculated', traceparent: Buffer.from('00-abc-def-01') },
};

describe('formatRecord', () => {
  it('prints the record with its decoded value and headers as text, on one line', () => {
    const line = formatRecord('user-events', 3, message, { value: { userId: 'alice', operands: [1, 2], sum: 3 } });
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      topic: 'user-events',
      partition: 3,
      offset: '42',
      timestamp: '2026-01-01T00:00:00.000Z',
      key: 'alice',
      headers: { id: '0198-e', eventType: 'SumCalculated', traceparent: '00-abc-def-01' },
      value: { userId: 'alice', operands: [1, 2], sum: 3 },
    });
  });

  it('prints why the value did not decode and its bytes in base64 instead of a value', () => {
    const error = new PoisonEventError('unknown-schema', 'schema id 7 is not in the registry');
    const record = JSON.parse(formatRecord('user-events.dlq', 0, message, { error }));
    expect(record).not.toHaveProperty('value');
    expect(record.valueError).toBe('unknown-schema: schema id 7 is not in the registry');
    expect(Buffer.from(record.valueBase64, 'base64')).toEqual(message.value);
  });

  it('prints a null key and a null value as null', () => {
    const record = JSON.parse(
      formatRecord('t', 0, { ...message, key: null, value: null }, { error: new Error('not framed') }),
    );
    expect(record).toMatchObject({ key: null, valueError: 'not framed', valueBase64: null });
  });

  it('keeps what JSON would lose: NaN and infinities, 64-bit integers, bytes, dates, record instances', () => {
    class SumCalculated {
      constructor(
        readonly sum: number,
        readonly operands: number[],
      ) {}
    }
    const value = {
      event: new SumCalculated(Number.NaN, [1, Number.POSITIVE_INFINITY]),
      big: 2n ** 63n - 1n,
      bytes: Buffer.from('hi'),
      at: new Date(0),
      nothing: null,
    };
    expect(JSON.parse(formatRecord('t', 0, message, { value })).value).toEqual({
      event: { sum: 'NaN', operands: [1, 'Infinity'] },
      big: '9223372036854775807',
      bytes: 'aGk=',
      at: '1970-01-01T00:00:00.000Z',
      nothing: null,
    });
  });

  it('keeps a timestamp that is not a time as it came', () => {
    expect(JSON.parse(formatRecord('t', 0, { ...message, timestamp: '-1' }, { value: 1 })).timestamp).toBe('-1');
  });
});

describe('headers as text', () => {
  it('keeps every value of a header sent more than once; the first is the one read', () => {
    const headers = { id: [Buffer.from('a'), 'b'] };
    expect(headerText(headers.id)).toEqual(['a', 'b']);
    expect(firstHeaderText(headers, 'id')).toBe('a');
    expect(firstHeaderText(headers, 'missing')).toBeUndefined();
    expect(firstHeaderText(undefined, 'id')).toBeUndefined();
  });
});

describe('describeValueError', () => {
  it('names the poison reason first, and any other error by its message', () => {
    expect(describeValueError(new PoisonEventError('undecodable', 'value is not in the Confluent wire format'))).toBe(
      'undecodable: value is not in the Confluent wire format',
    );
    expect(describeValueError(new Error('connect ECONNREFUSED 127.0.0.1:8081'))).toBe(
      'connect ECONNREFUSED 127.0.0.1:8081',
    );
    expect(describeValueError('odd')).toBe('odd');
  });
});
