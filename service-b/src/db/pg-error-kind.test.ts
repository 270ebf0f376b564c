import { describe, expect, it } from 'vitest';
import { pgErrorKind } from './pg-error-kind.js';

const pgError = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('pgErrorKind', () => {
  it.each([
    ['22P05', 'unsupported Unicode escape sequence'],
    ['22021', 'invalid byte sequence for encoding "UTF8": 0x00'],
    ['22003', 'value out of range'],
    ['23502', 'null value in column "sum" violates not-null constraint'],
    ['54000', 'index row size exceeds btree maximum'],
    ['21000', 'ON CONFLICT DO UPDATE command cannot affect row a second time'],
  ])('blames the data for %s (%s)', (code, message) => {
    expect(pgErrorKind(pgError(code, message))).toBe('record');
  });

  it.each([
    ['57P01', 'terminating connection due to administrator command'],
    ['57P02', 'terminating connection due to crash of another server process'],
    ['57P03', 'the database system is starting up'],
    ['08006', 'connection failure'],
  ])('calls %s (%s) unreachable', (code, message) => {
    expect(pgErrorKind(pgError(code, message))).toBe('unreachable');
  });

  it('calls network errors and a lost connection unreachable', () => {
    expect(pgErrorKind(pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'))).toBe('unreachable');
    expect(pgErrorKind(pgError('EPIPE'))).toBe('unreachable');
    expect(pgErrorKind(new Error('Connection terminated unexpectedly'))).toBe('unreachable');
    expect(pgErrorKind(new Error('timeout exceeded when trying to connect'))).toBe('unreachable');
  });

  it.each([
    ['25006', 'cannot execute INSERT in a read-only transaction'],
    ['53100', 'could not extend file: No space left on device'],
    ['53300', 'sorry, too many clients already'],
    ['57014', 'canceling statement due to statement timeout'],
    ['42P01', 'relation "calculations" does not exist'],
    ['40P01', 'deadlock detected'],
  ])('calls %s (%s) a refusal the batch is not at fault for', (code, message) => {
    expect(pgErrorKind(pgError(code, message))).toBe('refused');
  });

  it('calls anything else other', () => {
    expect(pgErrorKind(new TypeError('x is undefined'))).toBe('other');
    expect(pgErrorKind('a string')).toBe('other');
    expect(pgErrorKind(null)).toBe('other');
  });
});
