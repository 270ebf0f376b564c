import { describe, expect, it } from 'vitest';
import { parseOperands, sumRequestBody } from './parse-operands.js';

describe('parseOperands', () => {
  it('splits on commas, semicolons and spaces and reads each number', () => {
    expect(parseOperands(' 1, 2 3.5;-4 ').map((o) => o.value)).toEqual([1, 2, 3.5, -4]);
  });

  it('reads the forms people type as the number they mean', () => {
    expect(parseOperands('.5 +2 5. 1e3').map((o) => o.json)).toEqual(['0.5', '2', '5', '1000']);
  });

  it('sends a non-number as the string typed, for the API to refuse', () => {
    expect(parseOperands('1 abc NaN 0x10 Infinity').map((o) => o.json)).toEqual([
      '1',
      '"abc"',
      '"NaN"',
      '"0x10"',
      '"Infinity"',
    ]);
  });

  it('sends a literal too large for a double as an overflowing number, keeping its sign', () => {
    expect(parseOperands('1e999 -2e400').map((o) => o.json)).toEqual(['1e999', '-1e999']);
  });

  it('reads nothing from an empty field', () => {
    expect(parseOperands('  ,  ')).toEqual([]);
  });
});

describe('sumRequestBody', () => {
  it('writes the user id and request id as typed and the operands as numbers', () => {
    const body = sumRequestBody({ userId: 'alice', operands: '1, 2', requestId: 'r-1' });
    expect(JSON.parse(body)).toEqual({ userId: 'alice', operands: [1, 2], requestId: 'r-1' });
  });

  it('leaves out an empty request id and keeps an empty user id for the API to refuse', () => {
    expect(JSON.parse(sumRequestBody({ userId: '', operands: '3', requestId: '' }))).toEqual({
      userId: '',
      operands: [3],
    });
  });

  it('keeps an overflowing literal a number in the JSON text', () => {
    expect(sumRequestBody({ userId: 'a', operands: '1 1e999', requestId: '' })).toBe(
      '{"userId":"a","operands":[1,1e999]}',
    );
  });
});
