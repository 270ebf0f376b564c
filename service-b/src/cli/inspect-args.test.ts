import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { DEFAULT_LAST, parseInspectArgs } from './inspect-args.js';

describe('parseInspectArgs', () => {
  it('reads the last 10 records of every partition of the default topic, and stops', () => {
    expect(parseInspectArgs([], 'user-events')).toEqual({
      topic: 'user-events',
      start: { from: 'last', count: DEFAULT_LAST },
      partitions: undefined,
      follow: false,
    });
  });

  it('takes the topic, --last, repeated --partition and --follow', () => {
    expect(
      parseInspectArgs(['user-events.dlq', '--last', '5', '--partition=3', '--partition', '0', '-f'], 'user-events'),
    ).toEqual({ topic: 'user-events.dlq', start: { from: 'last', count: 5 }, partitions: [0, 3], follow: true });
  });

  it('reads from the beginning when asked', () => {
    expect(parseInspectArgs(['--from-beginning'], 't')).toMatchObject({ start: { from: 'beginning' } });
  });

  it('lists a partition given twice once', () => {
    expect(parseInspectArgs(['--partition', '2', '--partition', '2'], 't')).toMatchObject({ partitions: [2] });
  });

  it('answers help before checking anything else', () => {
    expect(parseInspectArgs(['--help', '--last', 'x'], 't')).toBe('help');
  });

  it.each([
    ['--last with --from-beginning', ['--last', '5', '--from-beginning']],
    ['a negative --last', ['--last', '-1']],
    ['a --last that is not a whole number', ['--last', '1.5']],
    ['a --partition that is not a number', ['--partition', 'one']],
    ['an unknown option', ['--follw']],
    ['two topics', ['a', 'b']],
    ['--last without a value', ['--last']],
  ])('refuses %s', (_case, args) => {
    expect(() => parseInspectArgs(args, 't')).toThrow(UsageError);
  });
});
