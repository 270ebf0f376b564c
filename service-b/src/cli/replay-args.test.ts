import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { parseReplayArgs } from './replay-args.js';

describe('parseReplayArgs', () => {
  it('replays every reason for real by default', () => {
    expect(parseReplayArgs([])).toEqual({ dryRun: false, reasons: undefined });
  });

  it('takes --dry-run and repeated --reason, each reason once', () => {
    expect(
      parseReplayArgs(['--dry-run', '--reason', 'unknown-schema', '--reason=invalid', '--reason', 'invalid']),
    ).toEqual({ dryRun: true, reasons: ['unknown-schema', 'invalid'] });
  });

  it('answers help', () => {
    expect(parseReplayArgs(['-h'])).toBe('help');
  });

  it.each([
    ['a reason the dead-letter publisher never writes, which would match nothing', ['--reason', 'unknown']],
    ['an unknown option', ['--dryrun']],
    ['a positional argument', ['user-events.dlq']],
  ])('refuses %s', (_case, args) => {
    expect(() => parseReplayArgs(args)).toThrow(UsageError);
  });
});
