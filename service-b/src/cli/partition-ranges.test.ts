import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { inspectRanges, replayRanges } from './partition-ranges.js';

const offsets = [
  { partition: 1, low: '0', high: '3' },
  { partition: 0, low: '100', high: '250' },
  { partition: 2, low: '0', high: '0' },
];

describe('inspectRanges', () => {
  it('starts each partition N records before its end, never before its first retained record', () => {
    expect(
      inspectRanges(offsets, { start: { from: 'last', count: 10 }, partitions: undefined, follow: false }),
    ).toEqual([
      { partition: 0, start: 240n, end: 250n },
      { partition: 1, start: 0n, end: 3n },
      { partition: 2, start: 0n, end: 0n },
    ]);
  });

  it('starts at the first retained record from the beginning, and has no end when following', () => {
    expect(inspectRanges(offsets, { start: { from: 'beginning' }, partitions: [0], follow: true })).toEqual([
      { partition: 0, start: 100n, end: undefined },
    ]);
  });

  it('reads only new records with --last 0 --follow', () => {
    expect(inspectRanges(offsets, { start: { from: 'last', count: 0 }, partitions: [1], follow: true })).toEqual([
      { partition: 1, start: 3n, end: undefined },
    ]);
  });

  it('refuses a partition the topic does not have, naming the ones it has', () => {
    const read = () => inspectRanges(offsets, { start: { from: 'beginning' }, partitions: [1, 7], follow: false });
    expect(read).toThrow(UsageError);
    expect(read).toThrow('no partition 7 in this topic; it has 0, 1, 2');
  });
});

describe('replayRanges', () => {
  it('continues from the committed offset up to the end seen at start', () => {
    expect(replayRanges(offsets, [{ partition: 0, offset: '200' }])).toEqual([
      { partition: 0, start: 200n, end: 250n },
      { partition: 1, start: 0n, end: 3n },
      { partition: 2, start: 0n, end: 0n },
    ]);
  });

  it('starts at the first retained record without a commit ("-1") or when retention deleted past it', () => {
    expect(
      replayRanges(offsets, [
        { partition: 0, offset: '50' },
        { partition: 1, offset: '-1' },
      ]).map((r) => r.start),
    ).toEqual([100n, 0n, 0n]);
  });
});
